import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode } from '@pimcp/protocol';
import { freePort, pollUntil, RedisProcess, TcpProxy } from '@pimcp/testing';
import Redis from 'ioredis';
import { ContextChangeCollector } from '../contract/context-change.collector';
import { describeContextStoreContract } from '../contract/context-store.contract';
import { ContextStoreErrorCode, ContextStoreException } from '../errors/context-store.exception';
import type { ContextStore } from '../port/context-store.port';
import { contextRedisKeys } from './context-redis-keys';
import { RedisContextStore } from './redis-context-store.adapter';

let redis: RedisProcess;

beforeAll(async () => {
  redis = await RedisProcess.start();
});

afterAll(async () => {
  await redis?.stop();
});

describeContextStoreContract('redis', async () => {
  // A prefix per test keeps tests apart without flushing, and every open() is a new client with its own connections.
  const keyPrefix = `test:${randomUUID()}:`;
  const opened: ContextStore[] = [];
  return {
    open: async (options) => {
      const store = new RedisContextStore({ url: redis.url, keyPrefix, watchBlockMs: 200, limits: options?.limits });
      opened.push(store);
      return store;
    },
    close: async () => {
      await Promise.all(opened.map((store) => store.close()));
    },
  };
});

describe(RedisContextStore.name, () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  const open = (url: string, keyPrefix: string) => {
    const store = new RedisContextStore({ url, keyPrefix, watchBlockMs: 200 });
    cleanups.push(() => store.close());
    return store;
  };
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
  let keyPrefix: string;
  let ctx: string;

  beforeEach(() => {
    keyPrefix = `test:${randomUUID()}:`;
    ctx = `ctx-${randomUUID()}`;
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  describe('layout', () => {
    it('keeps a context in six keys under one hash tag, with the changes in a stream keyed by revision', async () => {
      const store = open(redis.url, keyPrefix);
      await store.put(ctx, 'a', { x: 1 });
      await store.put(ctx, 'b', 2);
      const raw = new Redis(redis.url);
      cleanups.push(async () => raw.disconnect());
      const keys = contextRedisKeys(keyPrefix, ctx);

      expect((await raw.keys(`${keyPrefix}*`)).sort()).toEqual([keys.clocks, keys.index, keys.log, keys.meta, keys.revs, keys.values].sort());
      expect(keys.meta).toBe(`${keyPrefix}{${ctx}}:meta`);
      expect(await raw.hgetall(keys.values)).toEqual({ a: '{"x":1}', b: '2' });
      expect(await raw.hgetall(keys.revs)).toEqual({ a: '1', b: '2' });
      expect(await raw.hmget(keys.meta, 'rev', 'bytes')).toEqual(['2', String(1 + 7 + 1 + 1)]);
      expect((await raw.xrange(keys.log, '-', '+')).map(([id]) => id)).toEqual(['1-0', '2-0']);
    });
  });

  describe('watch', () => {
    it('resumes after its connection is cut, with nothing missed or repeated', async () => {
      const proxy = await TcpProxy.start({ host: '127.0.0.1', port: redis.port });
      cleanups.push(() => proxy.stop());
      const writer = open(redis.url, keyPrefix);
      const watcher = await ContextChangeCollector.start(open(proxy.urlFor('redis'), keyPrefix), ctx, 0);
      cleanups.push(() => watcher.close());
      for (const i of range(1, 20)) await writer.put(ctx, `k${i % 4}`, i);
      await watcher.waitForRevision(20);

      proxy.cut();
      for (const i of range(21, 40)) await writer.put(ctx, `k${i % 4}`, i);
      await sleep(300);
      const seenWhileCut = watcher.revisions.length;
      proxy.restore();
      await watcher.waitForRevision(40, 10_000);
      await writer.put(ctx, 'after', 41);
      await watcher.waitForRevision(41);

      expect(seenWhileCut).toBe(20);
      expect(watcher.changes.some((c) => c.type === 'reset')).toBe(false);
      expect(watcher.revisions).toEqual(range(1, 41));
    });
  });

  describe('durability', () => {
    it('loses no acknowledged write when Redis is killed (-9) and restarted with AOF mid-run; the watcher resumes', async () => {
      const durable = await RedisProcess.start({ appendOnly: true });
      cleanups.push(() => durable.stop());
      const writer = open(durable.url, keyPrefix);
      const watcher = await ContextChangeCollector.start(open(durable.url, keyPrefix), ctx, 0);
      cleanups.push(() => watcher.close());
      const acknowledged = new Map<string, number>();
      let failures = 0;
      let last = Infinity;
      // Each write creates its own key (expectedRevision 0), so a write whose answer was lost in the crash is
      // found by reading it back, and can never be applied twice. Runs until told where to stop, so the kill
      // always lands mid-run however fast the machine is.
      const writeAll = async () => {
        for (let i = 1; i <= last; i++) {
          for (;;) {
            try {
              acknowledged.set(`k${i}`, (await writer.put(ctx, `k${i}`, i, { expectedRevision: 0 })).revision);
              await sleep(1); // paced, so the run stays well under one list page however fast fsync is
              break;
            } catch (error) {
              if (!(error instanceof ContextStoreException)) throw error;
              failures += 1;
              const stored = await writer.get(ctx, `k${i}`).catch(() => undefined);
              if (stored?.value === i) {
                acknowledged.set(`k${i}`, stored.revision);
                break;
              }
              await sleep(50);
            }
          }
        }
      };

      const writing = writeAll();
      await pollUntil(() => acknowledged.size >= 30, { timeoutMs: 10_000, description: '30 writes before the crash' });
      await durable.kill('SIGKILL');
      await sleep(200);
      await durable.restart();
      const resumedAt = acknowledged.size;
      await pollUntil(() => acknowledged.size >= resumedAt + 30, { timeoutMs: 10_000, description: '30 writes after the restart' });
      last = acknowledged.size + 1;
      await writing;
      const total = acknowledged.size;
      await watcher.waitForRevision(total, 15_000);

      const page = await writer.list(ctx, { limit: 1000 });
      expect(failures).toBeGreaterThan(0);
      expect(page.entries).toHaveLength(total);
      expect(page.revision).toBe(total);
      expect(page.entries.map((e) => [e.key, e.revision])).toEqual(expect.arrayContaining([...acknowledged]));
      expect(page.entries.every((e) => e.value === Number(e.key.slice(1)))).toBe(true);
      expect(watcher.changes.some((c) => c.type === 'reset')).toBe(false);
      expect(watcher.revisions).toEqual(range(1, total));
    });
  });

  describe('errors', () => {
    it('answers CONTEXT_STORE_UNAVAILABLE (STORE_UNAVAILABLE, retryable), naming the setting, when Redis is not there', async () => {
      const store = new RedisContextStore({
        url: `redis://127.0.0.1:${await freePort()}`,
        // A short connectTimeout only because ioredis keeps that timer running after a refused connection.
        redis: { maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 200 },
      });
      cleanups.push(() => store.close());

      const error = await store.put(ctx, 'k', 1).catch((e: unknown) => e);

      expect(error).toMatchObject({
        reason: ContextStoreErrorCode.Unavailable, code: ErrorCode.StoreUnavailable, retryable: true,
        message: expect.stringMatching(/may or may not have been applied.*PIMCP_REDIS_URL/),
      });
    });
  });
});
