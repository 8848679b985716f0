/** One context held in memory: the state of the in-memory adapter and of a ContextReplica. */
import type { ContextChange, ContextEntry } from '../port/context-change';
import type { ContextPage, ContextValue } from '../port/context-store.port';
import type { JsonValue } from '../port/json-value';
import { compareKeys } from './key-order';
import { listCursor } from './list-cursor';

interface StoredEntry {
  /** JSON text: every read parses a fresh copy, so no caller can change the stored value by mutating its result. */
  json: string;
  revision: number;
}

export interface PageRequest {
  prefix?: string;
  limit: number;
  /** Start after this key (the decoded cursor). */
  after?: string;
}

export class ContextDocument {
  revision = 0;
  private readonly entries = new Map<string, StoredEntry>();
  private bytesUsed = 0;
  private sorted: string[] | undefined;

  /** Key bytes plus value bytes (UTF-8), the measure of limits.maxContextBytes. */
  get bytes(): number {
    return this.bytesUsed;
  }

  get keyCount(): number {
    return this.entries.size;
  }

  /** What the key adds to `bytes` now; 0 when it does not exist. */
  sizeOf(key: string): number {
    const entry = this.entries.get(key);
    return entry ? entrySize(key, entry.json) : 0;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** The revision of the last write to the key; 0 when it does not exist. */
  revisionOf(key: string): number {
    return this.entries.get(key)?.revision ?? 0;
  }

  get(key: string): ContextValue | undefined {
    const entry = this.entries.get(key);
    return entry && { value: JSON.parse(entry.json) as JsonValue, revision: entry.revision };
  }

  put(key: string, json: string, revision: number): void {
    const previous = this.entries.get(key);
    this.bytesUsed += entrySize(key, json) - (previous ? entrySize(key, previous.json) : 0);
    if (!previous) this.sorted = undefined;
    this.entries.set(key, { json, revision });
    this.revision = revision;
  }

  remove(key: string, revision: number): void {
    const previous = this.entries.get(key);
    if (previous) {
      this.bytesUsed -= entrySize(key, previous.json);
      this.entries.delete(key);
      this.sorted = undefined;
    }
    this.revision = revision;
  }

  /** Replaces everything, e.g. with a reset from a watch. */
  replace(entries: ContextEntry[], revision: number): void {
    this.entries.clear();
    this.bytesUsed = 0;
    this.sorted = undefined;
    for (const entry of entries) this.put(entry.key, JSON.stringify(entry.value), entry.revision);
    this.revision = revision;
  }

  apply(change: ContextChange): void {
    if (change.type === 'put') this.put(change.key, JSON.stringify(change.value), change.revision);
    else if (change.type === 'delete') this.remove(change.key, change.revision);
    else this.replace(change.entries, change.revision);
  }

  all(): ContextEntry[] {
    return this.sortedKeys().map((key) => this.entry(key));
  }

  page(request: PageRequest): ContextPage {
    const keys = this.sortedKeys();
    const prefix = request.prefix ?? '';
    const after = request.after;
    const from = after !== undefined && compareKeys(after, prefix) >= 0 ? upperBound(keys, after) : lowerBound(keys, prefix);
    const entries: ContextEntry[] = [];
    let index = from;
    for (; index < keys.length && entries.length < request.limit; index++) {
      const key = keys[index] as string;
      if (!key.startsWith(prefix)) break;
      entries.push(this.entry(key));
    }
    const more = index < keys.length && (keys[index] as string).startsWith(prefix);
    const last = entries[entries.length - 1];
    return { entries, revision: this.revision, ...(more && last ? { cursor: listCursor.encode(last.key) } : {}) };
  }

  private entry(key: string): ContextEntry {
    const stored = this.entries.get(key) as StoredEntry;
    return { key, value: JSON.parse(stored.json) as JsonValue, revision: stored.revision };
  }

  // Sorted once per change of the key set, not per page.
  private sortedKeys(): string[] {
    this.sorted ??= [...this.entries.keys()].sort(compareKeys);
    return this.sorted;
  }
}

/** Key plus value bytes: the same sum the Redis script keeps in the context's `bytes` field. */
export function entrySize(key: string, json: string): number {
  return Buffer.byteLength(key) + Buffer.byteLength(json);
}

/** First index whose key is >= `key`. */
function lowerBound(keys: string[], key: string): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compareKeys(keys[mid] as string, key) < 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** First index whose key is > `key`. */
function upperBound(keys: string[], key: string): number {
  const index = lowerBound(keys, key);
  return index < keys.length && keys[index] === key ? index + 1 : index;
}
