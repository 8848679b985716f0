import type { ContextDeleteChange, ContextPutChange } from '../port/context-change';
import type { JsonValue } from '../port/json-value';

export interface StreamChange {
  /** Which life of the context wrote it; differs from the watcher's after the context expired and came back. */
  epoch: string;
  change: ContextPutChange | ContextDeleteChange;
}

/** Reads one entry of a context's stream (written by write-change.lua: id `<revision>-0`, fields e, t, k, v, w). */
export function decodeStreamEntry(contextId: string, id: string, fields: string[]): StreamChange {
  const field: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) field[fields[i] as string] = fields[i + 1] as string;
  const revision = Number(id.slice(0, id.indexOf('-')));
  const key = field['k'] ?? '';
  const epoch = field['e'] ?? '';
  // Entries written before w existed have none; a consumer then cannot tell its lag for them.
  const written = Number(field['w']);
  const time = Number.isFinite(written) && field['w'] !== undefined ? { writtenAt: written } : {};
  if (field['t'] === 'del') return { epoch, change: { type: 'delete', contextId, key, revision, ...time } };
  return { epoch, change: { type: 'put', contextId, key, value: JSON.parse(field['v'] ?? 'null') as JsonValue, revision, ...time } };
}
