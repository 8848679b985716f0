/** Redis keys of one context (docs/adr/0009-context-store.md); built only here. */
export const DEFAULT_CONTEXT_KEY_PREFIX = 'pimcp:v1:ctx:';

export interface ContextRedisKeys {
  /** Hash: `rev` (context revision), `epoch` (id of this life of the context), `bytes` (key + value bytes). */
  meta: string;
  /** Hash: key -> JSON text. */
  values: string;
  /** Hash: key -> revision of its last write. */
  revs: string;
  /** Sorted set, all scores 0: the keys in byte order, for prefix and cursor listing (ZRANGE BYLEX). */
  index: string;
  /** Stream: one entry per revision, id `<revision>-0`, fields e (epoch), t (put|del), k (key), v (JSON text). */
  log: string;
  /** Hash: key -> the clock of its last write, deletes included (for last-writer-wins replays of offline writes). */
  clocks: string;
}

/** The `{contextId}` hash tag puts every key of a context in one Redis Cluster slot, so one script can touch them all. */
export function contextRedisKeys(prefix: string, contextId: string): ContextRedisKeys {
  const base = `${prefix}{${contextId}}:`;
  return { meta: `${base}meta`, values: `${base}values`, revs: `${base}revs`, index: `${base}index`, log: `${base}log`, clocks: `${base}clocks` };
}

/** In the order the scripts take them as KEYS[1..6]. */
export function scriptKeys(keys: ContextRedisKeys): [string, string, string, string, string, string] {
  return [keys.meta, keys.values, keys.revs, keys.index, keys.log, keys.clocks];
}

/** The pub/sub channel of the change feed (every write of every context under this prefix). */
export function changeFeedChannel(prefix: string): string {
  return `${prefix}changes`;
}
