import { randomUUID } from 'node:crypto';
import { RedisProcess } from '@pimcp/testing';
import Redis from 'ioredis';
import { ContextChangeCollector } from '../contract/context-change.collector';
import { contextRedisKeys } from './context-redis-keys';
import { RedisContextMaintenance } from './redis-context.maintenance';
import { RedisContextStore } from './redis-context-store.adapter';

describe(RedisContextMaintenance.name, () => {
  let redis: RedisProcess;
  let raw: Redis;
  let keyPrefix: string;
  let store: RedisContextStore;
  let maintenance: RedisContextMaintenance;

  beforeAll(async () => {
    redis = await RedisProcess.start();
    raw = new Redis(redis.url);
  });

  afterAll(async () => {
    raw?.disconnect();
    await redis?.stop();
  });

  beforeEach(() => {
    keyPrefix = `sweep:${randomUUID()}:`;
    store = new RedisContextStore({ url: redis.url, keyPrefix, watchBlockMs: 200 });
    maintenance = new RedisContextMaintenance({ url: redis.url, keyPrefix, scanCount: 7 });
  });

  afterEach(async () => {
    await store.close();
    await maintenance.close();
  });

  it('compacts each history to the retained changes; a watcher further behind gets the whole state, not a gap', async () => {
    for (let i = 1; i <= 30; i++) await store.put('busy', `k${i % 5}`, i);
    await store.put('quiet', 'only', true);

    const report = await maintenance.sweep({ retainChanges: 10 });

    expect(report).toMatchObject({ contexts: 2, trimmedEntries: 20, orphanKeysRemoved: 0 });
    expect(await raw.xlen(contextRedisKeys(keyPrefix, 'busy').log)).toBe(10);
    expect((await store.get('busy', 'k0'))?.value).toBe(30);
    const behind = await ContextChangeCollector.start(store, 'busy', 5);
    const first = await behind.waitFor(() => true, 'the first change after revision 5');
    expect(first).toMatchObject({ type: 'reset', reason: 'trimmed', revision: 30 });
    await behind.close();
  });

  it('removes the parts of a context whose head record is gone, and realigns drifted TTLs', async () => {
    await store.put('half-gone', 'a', 1);
    await store.put('drifted', 'a', 1, { ttlSeconds: 600 });
    await raw.del(contextRedisKeys(keyPrefix, 'half-gone').meta);
    await raw.pexpire(contextRedisKeys(keyPrefix, 'drifted').values, 5_000);

    const report = await maintenance.sweep({ retainChanges: 100 });

    expect(report).toMatchObject({ contexts: 1, orphanKeysRemoved: 5, ttlRepaired: 1 });
    expect(await raw.keys(`${keyPrefix}{half-gone}*`)).toEqual([]);
    expect(await raw.pttl(contextRedisKeys(keyPrefix, 'drifted').values)).toBeGreaterThan(590_000);
  });

  it('measures contexts, keys, history, bytes and expiring contexts without changing them', async () => {
    await store.put('s1', 'a', 'xy');
    await store.put('s1', 'b', 'z');
    await store.put('s2', 'a', 1, { ttlSeconds: 60 });

    const stats = await maintenance.stats();

    expect(stats).toEqual({ contexts: 2, keys: 3, historyEntries: 3, bytes: expect.any(Number), expiring: 1 });
    expect(stats.bytes).toBe('a"xy"'.length + 'b"z"'.length + 'a1'.length);
    expect(await raw.xlen(contextRedisKeys(keyPrefix, 's1').log)).toBe(2);
  });
});
