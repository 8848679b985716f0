import { ContextStoreErrorCode, ContextStoreException } from '../errors/context-store.exception';

/** Size limits of a context store; every adapter enforces the same ones (see docs/adr/0009-context-store.md). */
export interface ContextLimits {
  /** Largest value, as UTF-8 JSON bytes (default 256 KiB). */
  maxValueBytes: number;
  /** Largest context: key bytes plus value bytes of every entry (default 8 MiB). */
  maxContextBytes: number;
  /** Most keys in one context (default 10,000). */
  maxKeys: number;
  /**
   * Changes kept per context for watchers that fall behind (default 1,000). The Redis stream is trimmed
   * approximately (`MAXLEN ~`), so it may keep up to about 100 more; a watcher further behind gets a reset.
   */
  historyLength: number;
}

export const DEFAULT_CONTEXT_LIMITS: Readonly<ContextLimits> = Object.freeze({
  maxValueBytes: 256 * 1024,
  maxContextBytes: 8 * 1024 * 1024,
  maxKeys: 10_000,
  historyLength: 1_000,
});

/** Fills in defaults and rejects limits that are not positive integers, naming the option. */
export function resolveContextLimits(overrides: Partial<ContextLimits> = {}): ContextLimits {
  const limits = { ...DEFAULT_CONTEXT_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new ContextStoreException(ContextStoreErrorCode.InvalidOption,
        `limits.${name} must be a positive integer, got ${String(value)}`);
    }
  }
  return limits;
}

/** The errors a write gets for a limit, built in one place so both adapters say the same thing. */
export const limitErrors = {
  valueTooLarge: (contextId: string, key: string, bytes: number, limit: number) =>
    new ContextStoreException(ContextStoreErrorCode.ValueTooLarge,
      `the value of key "${key}" in context "${contextId}" is ${bytes} bytes as JSON, over the limit of ${limit}; `
      + 'store a smaller value (split it over several keys), or raise limits.maxValueBytes'),
  contextTooLarge: (contextId: string, bytes: number, limit: number) =>
    new ContextStoreException(ContextStoreErrorCode.ContextTooLarge,
      `context "${contextId}" would hold ${bytes} bytes of keys and values, over the limit of ${limit}; `
      + 'delete keys or use another context, or raise limits.maxContextBytes'),
  tooManyKeys: (contextId: string, limit: number) =>
    new ContextStoreException(ContextStoreErrorCode.TooManyKeys,
      `context "${contextId}" already holds ${limit} keys, the limit; delete keys or use another context, `
      + 'or raise limits.maxKeys'),
} as const;
