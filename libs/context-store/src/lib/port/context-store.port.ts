import type { ContextChange, ContextEntry, ContextWriteNote } from './context-change';
import type { JsonValue } from './json-value';

export interface ContextValue {
  value: JsonValue;
  /** The revision of the last write to this key. */
  revision: number;
}

export interface ListOptions {
  /** Only keys that start with this. */
  prefix?: string;
  /** Entries per page, 1-1000 (default 100). */
  limit?: number;
  /** `cursor` of the previous page. */
  cursor?: string;
}

export interface ContextPage {
  /** Sorted by key in code-point (UTF-8 byte) order. */
  entries: ContextEntry[];
  /** The context revision the page was read at; 0 for a context that does not exist. */
  revision: number;
  /** Present when more entries follow; pass it as `cursor` to read them. */
  cursor?: string;
}

export interface WriteConditions {
  /** The key's current revision must be this; 0 means the key must not exist. */
  expectedRevision?: number;
  /** The context's current revision must be this (0: nothing was written to it yet, or it expired). */
  expectedContextRevision?: number;
  /** The writer's clock (`formatWriteClock`, e.g. from a HybridLogicalClock), recorded per key. Default: the store's time. */
  clock?: string;
  /**
   * Last-writer-wins: leave the key alone when its last write (a delete included) has a later clock; the result
   * says `superseded`. For replaying writes made offline (docs/adr/0011).
   */
  lastWriterWins?: boolean;
}

export interface PutOptions extends WriteConditions {
  /** Sets the whole context to expire this many seconds from now. Without it the context keeps its TTL. */
  ttlSeconds?: number;
}

export type PatchOptions = PutOptions;
export type DeleteOptions = WriteConditions;

export interface WriteResult {
  /** The revision of this write: the context's new revision, and the key's (when superseded: the key's as it is). */
  revision: number;
  /** Last-writer-wins left the key alone: a write with a later clock came first. */
  superseded?: true;
  /** Journaled while the store was unreachable (an edge node offline); replayed on reconnect (ADR 0011). */
  pending?: true;
}

export interface PatchResult extends WriteResult {
  /** The key's value after the patch. */
  value: JsonValue;
}

export interface DeleteResult {
  /** The revision of the delete, or the unchanged context revision when the key did not exist. */
  revision: number;
  deleted: boolean;
  superseded?: true;
  pending?: true;
}

/** Where a watch starts: after a context revision, or with a `reset` carrying the current state. */
export type WatchStart = number | 'snapshot';

export interface ContextWatchListener {
  /** Called in revision order, once per change. A listener that throws is logged and the watch goes on. */
  onChange(change: ContextChange): void;
  /** Called once when the watch cannot go on (the store was closed); no change follows. */
  onError?(error: Error): void;
}

export interface ContextWatch {
  close(): Promise<void>;
}

/**
 * Shared context documents: per context id, keys to JSON values with revisions. Every write gets the next
 * revision of its context (1, 2, 3, ...), atomically with its conditions, limits and change record.
 * Adapters: in-memory (one process) and Redis (every node), held to one contract suite.
 * Errors are ContextStoreException (a PimcpError).
 */
export interface ContextStore {
  /** The key's value and revision; undefined when the key or the context does not exist (or has expired). */
  get(contextId: string, key: string): Promise<ContextValue | undefined>;
  /** One page of entries, consistent at one revision. */
  list(contextId: string, options?: ListOptions): Promise<ContextPage>;
  /** Writes a value; REVISION_CONFLICT when a condition does not hold, and then nothing is written. */
  put(contextId: string, key: string, value: JsonValue, options?: PutOptions): Promise<WriteResult>;
  /** Applies a JSON Merge Patch (RFC 7396) to the key's current value (absent: `{}`) as one atomic write. */
  patch(contextId: string, key: string, mergePatch: JsonValue, options?: PatchOptions): Promise<PatchResult>;
  /** Removes a key. Deleting an absent key writes nothing and gets no revision. */
  delete(contextId: string, key: string, options?: DeleteOptions): Promise<DeleteResult>;
  /** Sets the context to expire `ttlSeconds` from now; false when the context does not exist. Not a revision. */
  expire(contextId: string, ttlSeconds: number): Promise<boolean>;
  /**
   * Delivers every change of the context after `from`, in order, exactly once, across reconnects. When those
   * changes cannot be delivered one by one (see ContextResetReason) a `reset` with the whole state comes first.
   */
  watch(contextId: string, from: WatchStart, listener: ContextWatchListener): Promise<ContextWatch>;
  /**
   * The change feed: every put and delete in every context, for notifications (for example MCP
   * `notifications/resources/updated`). At most once, in no promised order across contexts, and nothing while
   * disconnected: replicate with watch(). Resolves once listening; the returned function stops it.
   */
  onWrite(listener: (note: ContextWriteNote) => void): Promise<() => Promise<void>>;
  /** Closes connections and ends every watch; later calls fail with CONTEXT_STORE_CLOSED. */
  close(): Promise<void>;
}
