import { WRITE_CLOCK_PATTERN } from './write-clock';
/** Checks of every argument a caller passes, shared by the adapters so each rejects the same input the same way. */
import { ContextStoreErrorCode, ContextStoreException } from '../errors/context-store.exception';
import type { ListOptions, WatchStart, WriteConditions } from '../port/context-store.port';

// No braces: the id sits inside a Redis Cluster hash tag ({id}), which must not end early.
const CONTEXT_ID = /^[A-Za-z0-9._:/-]{1,128}$/;
export const KEY_MAX_BYTES = 512;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const MAX_DEPTH = 100;
export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_PAGE_SIZE = 100;
// A year: a longer TTL is almost always milliseconds passed as seconds.
const MAX_TTL_SECONDS = 365 * 24 * 3600;

export function validateContextId(contextId: unknown): asserts contextId is string {
  if (typeof contextId !== 'string' || !CONTEXT_ID.test(contextId)) {
    throw new ContextStoreException(ContextStoreErrorCode.InvalidContextId,
      `context id ${JSON.stringify(contextId)} is invalid: use 1-128 characters of A-Z a-z 0-9 . _ - : /`);
  }
}

export function validateKey(key: unknown): asserts key is string {
  const problem = typeof key !== 'string' ? 'must be a string'
    : key.length === 0 ? 'must not be empty'
      : Buffer.byteLength(key) > KEY_MAX_BYTES ? `is ${Buffer.byteLength(key)} bytes as UTF-8, over ${KEY_MAX_BYTES}`
        : hasControlCharacter(key) ? 'contains a control character'
          : LONE_SURROGATE.test(key) ? 'is not valid Unicode (lone surrogate)'
            : undefined;
  if (problem) {
    throw new ContextStoreException(ContextStoreErrorCode.InvalidKey,
      `key ${JSON.stringify(key)} ${problem}; keys are 1-${KEY_MAX_BYTES} bytes of printable Unicode`);
  }
}

/** The value as stored (JSON text) and its size; rejects what JSON cannot carry instead of silently changing it. */
export function encodeValue(value: unknown, where: string): { json: string; bytes: number } {
  const problem = jsonProblem(value, '$', 0);
  if (problem) {
    throw new ContextStoreException(ContextStoreErrorCode.InvalidValue, `${where}: ${problem}; store plain JSON values only`);
  }
  const json = JSON.stringify(value);
  return { json, bytes: Buffer.byteLength(json) };
}

export function validateConditions(conditions: WriteConditions): void {
  if (conditions.clock !== undefined && (typeof conditions.clock !== 'string' || !WRITE_CLOCK_PATTERN.test(conditions.clock))) {
    throw new ContextStoreException(ContextStoreErrorCode.InvalidOption,
      `clock must look like "000001764072000123.000004.pi-1" (wall ms, counter, node id), got ${JSON.stringify(conditions.clock).slice(0, 80)}`);
  }
  if (conditions.lastWriterWins && conditions.clock === undefined) {
    throw new ContextStoreException(ContextStoreErrorCode.InvalidOption, 'lastWriterWins needs the write\'s clock');
  }
  for (const name of ['expectedRevision', 'expectedContextRevision'] as const) {
    const value = conditions[name];
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) {
      throw new ContextStoreException(ContextStoreErrorCode.InvalidOption,
        `${name} must be a revision (an integer >= 0), got ${String(value)}`);
    }
  }
}

/** TTLs are whole milliseconds in Redis; returns them. */
export function ttlMilliseconds(ttlSeconds: unknown): number {
  if (typeof ttlSeconds !== 'number' || !Number.isFinite(ttlSeconds) || ttlSeconds <= 0 || ttlSeconds > MAX_TTL_SECONDS) {
    throw new ContextStoreException(ContextStoreErrorCode.InvalidOption,
      `ttlSeconds must be a number of seconds above 0 and at most ${MAX_TTL_SECONDS}, got ${String(ttlSeconds)}`);
  }
  return Math.ceil(ttlSeconds * 1000);
}

export function pageSize(options: ListOptions): number {
  const limit = options.limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new ContextStoreException(ContextStoreErrorCode.InvalidOption,
      `limit must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${String(options.limit)}`);
  }
  if (options.prefix !== undefined && typeof options.prefix !== 'string') {
    throw new ContextStoreException(ContextStoreErrorCode.InvalidOption, 'prefix must be a string');
  }
  return limit;
}

export function validateWatchStart(from: unknown): asserts from is WatchStart {
  if (from !== 'snapshot' && (typeof from !== 'number' || !Number.isSafeInteger(from) || from < 0)) {
    throw new ContextStoreException(ContextStoreErrorCode.InvalidOption,
      `a watch starts after a revision (an integer >= 0) or at 'snapshot', got ${String(from)}`);
  }
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

function jsonProblem(value: unknown, path: string, depth: number): string | undefined {
  if (depth > MAX_DEPTH) return `${path} is nested deeper than ${MAX_DEPTH} levels (or is circular)`;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${path} is ${value}, which JSON cannot carry`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = i in value ? jsonProblem(value[i], `${path}[${i}]`, depth + 1) : `${path}[${i}] is a hole`;
      if (problem) return problem;
    }
    return undefined;
  }
  if (typeof value === 'object') {
    // Plain in any realm: structuredClone (used on tool arguments) builds its copies with the main realm's Object.
    const proto = Object.getPrototypeOf(value) as object | null;
    if (proto !== null && Object.getPrototypeOf(proto) !== null) return `${path} is a ${value.constructor?.name ?? 'non-plain object'}, not a plain object`;
    for (const [member, child] of Object.entries(value)) {
      const problem = jsonProblem(child, `${path}.${member}`, depth + 1);
      if (problem) return problem;
    }
    return undefined;
  }
  return `${path} is ${typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`}`;
}
