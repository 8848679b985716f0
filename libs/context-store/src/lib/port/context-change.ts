/** What a watch delivers: one event per revision, or a reset that replaces the whole state. */
import type { JsonValue } from './json-value';

export interface ContextEntry {
  key: string;
  value: JsonValue;
  /** The revision of the last write to this key. */
  revision: number;
}

export interface ContextPutChange {
  type: 'put';
  contextId: string;
  key: string;
  /** The key's whole new value (after a patch: the merged result). */
  value: JsonValue;
  revision: number;
  /** When the store committed the write (ms since the epoch, the store's clock); absent in older history entries. */
  writtenAt?: number;
}

export interface ContextDeleteChange {
  type: 'delete';
  contextId: string;
  key: string;
  revision: number;
  /** When the store committed the delete (ms since the epoch, the store's clock); absent in older history entries. */
  writtenAt?: number;
}

/**
 * Why a watch delivered the whole state instead of the next change:
 * - `snapshot`: the caller asked for it (`watch(id, 'snapshot', ...)`);
 * - `trimmed`: the changes after the watcher's revision are no longer in the history (`limits.historyLength`);
 * - `expired`: the context expired (and may have been created again, with revisions from 1), or the requested
 *   revision is ahead of the context, so it belongs to an earlier life of it.
 */
export type ContextResetReason = 'snapshot' | 'trimmed' | 'expired';

export interface ContextResetChange {
  type: 'reset';
  contextId: string;
  reason: ContextResetReason;
  /** Every entry of the context at `revision`, sorted by key; empty when the context does not exist. */
  entries: ContextEntry[];
  /** The context revision the state is at; 0 when the context does not exist. Later changes follow it. */
  revision: number;
}

export type ContextChange = ContextPutChange | ContextDeleteChange | ContextResetChange;

/** One write somewhere, as the change feed announces it: enough to notify, not to replicate. */
export interface ContextWriteNote {
  contextId: string;
  key: string;
  revision: number;
  type: 'put' | 'delete';
  /** When the store committed the write (ms since the epoch, the store's clock). */
  writtenAt?: number;
}
