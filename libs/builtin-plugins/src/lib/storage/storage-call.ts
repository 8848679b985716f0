import { type ToolContext, ToolError } from '@pimcp/plugin-sdk';
import { clip } from '../common/utf8-boundary';
import { objectKeyRefusal } from './object-key';
import type { ObjectStore } from './object-store';
import type { StorageConfig, StoreEntry } from './storage.config';

/** A configured store with its opened backend. */
export interface OpenStore {
  readonly entry: StoreEntry;
  readonly objects: ObjectStore;
}

export type OpenStores = ReadonlyMap<string, OpenStore>;

/** The store a call names; refuses unknown names, and writes to a read-only store. */
export function storeOf(stores: OpenStores, name: string, write = false): OpenStore {
  const store = stores.get(name);
  if (!store) throw new ToolError(`no store named "${clip(name, 100)}" on this node; stores: ${[...stores.keys()].join(', ')}`);
  if (write && store.entry.readOnly) {
    const writable = [...stores.values()].filter((s) => !s.entry.readOnly).map((s) => s.entry.name);
    throw new ToolError(`store "${name}" is read-only on this node (readOnly is on); writable stores: ${writable.join(', ') || 'none'}. ` +
      'The node operator turns writes on with readOnly: false.');
  }
  return store;
}

export function checkedKey(key: string): string {
  const refusal = objectKeyRefusal(key);
  if (refusal) throw new ToolError(refusal);
  return key;
}

/**
 * Runs one store operation under the call's signal and the storage time limit; an operation that
 * outlives the limit is a tool error, a cancelled one rejects with the caller's reason.
 */
export async function storeCall<T>(config: StorageConfig, ctx: ToolContext, store: OpenStore, operation: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const timeoutMs = Math.max(1, Math.min(config.timeoutMs, ctx.deadline - Date.now()));
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    return await operation(AbortSignal.any([ctx.signal, timeout]));
  } catch (err) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    if (err instanceof ToolError) throw err;
    if (timeout.aborted) throw new ToolError(`store "${store.entry.name}" did not finish within ${timeoutMs} ms; try again later`);
    // A file system error's message holds host paths: callers get its code only.
    const code = (err as NodeJS.ErrnoException).code;
    throw new ToolError(`store "${store.entry.name}" failed: ${code ?? clip(String((err as Error).message ?? err), 300)}`);
  }
}

/** `photos (directory, read-write, 1048576 bytes)` for tool descriptions. */
export function describeStores(stores: OpenStores, filter: (entry: StoreEntry) => boolean = () => true): string {
  return [...stores.values()].map((s) => s.entry).filter(filter).slice(0, 40)
    .map((e) => `${e.name} (${e.kind}, ${e.readOnly ? 'read-only' : 'read-write'}, objects up to ${e.maxObjectBytes} bytes)`).join('; ');
}
