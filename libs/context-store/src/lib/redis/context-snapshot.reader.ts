import type Redis from 'ioredis';
import type { ContextEntry } from '../port/context-change';
import type { JsonValue } from '../port/json-value';
import { compareKeys } from '../shared/key-order';
import type { ContextRedisKeys } from './context-redis-keys';

export interface RedisContextSnapshot {
  /** Sorted by key. */
  entries: ContextEntry[];
  revision: number;
  /** Undefined when the context does not exist. */
  epoch: string | undefined;
}

/** The whole context at one revision (MULTI/EXEC: no write can land between the three reads). */
export async function readContextSnapshot(client: Redis, keys: ContextRedisKeys): Promise<RedisContextSnapshot> {
  const replies = await client.multi().hgetall(keys.values).hgetall(keys.revs).hmget(keys.meta, 'rev', 'epoch').exec();
  if (!replies) throw new Error('MULTI for a context snapshot was aborted');
  const [values, revs, meta] = replies.map(([error, result]) => {
    if (error) throw error;
    return result;
  }) as [Record<string, string>, Record<string, string>, (string | null)[]];
  const entries = Object.keys(values).sort(compareKeys).map((key) => ({
    key,
    value: JSON.parse(values[key] as string) as JsonValue,
    revision: Number(revs[key] ?? 0),
  }));
  return { entries, revision: Number(meta[0] ?? 0), epoch: meta[1] ?? undefined };
}
