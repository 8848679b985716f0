/**
 * Benchmark: shared contexts (issue 5). One Redis, two "nodes" (two store instances, each with a local replica of
 * one context). Measures, in the same run:
 * - propagation: a write on node A until node B's replica has it (p50/p99), next to the same through the
 *   in-memory store (the all-in-one), which has no network;
 * - reads: node B's local replica versus asking Redis (store.get), p50 and reads per second;
 * - write throughput with 8 concurrent writers (compare-and-set free puts);
 * - memory per 10,000 keys: Redis used_memory and the replica's heap.
 * Usage: npm run bench:context -- [--writes 2000]   (runs with ts-node; needs redis-server, apt package redis-server)
 */
import { performance } from 'node:perf_hooks';
import { type ContextStore, ContextReplica, InMemoryContextStore, RedisContextStore } from '@pimcp/context-store';
import { RedisProcess } from '@pimcp/testing';
import Redis from 'ioredis';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const WRITES = arg('writes', 2000);
const READS = 20_000;
const THROUGHPUT_WRITES = 4000;
const KEYS = 10_000;

function quantile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}
const ms = (n: number) => n.toFixed(3);

/** Sequential writes on A; each waits until B's replica has applied it. */
async function propagation(storeA: ContextStore, storeB: ContextStore, contextId: string): Promise<number[]> {
  const replicaB = await ContextReplica.open(storeB, contextId);
  const samples: number[] = [];
  try {
    for (let i = 0; i < WRITES + 100; i++) {
      const started = performance.now();
      const { revision } = await storeA.put(contextId, `k${i % 100}`, { i, at: Date.now() });
      await replicaB.waitForRevision(revision, 5000);
      if (i >= 100) samples.push(performance.now() - started); // the first 100 warm up
    }
  } finally {
    await replicaB.close();
  }
  return samples;
}

async function reads(store: ContextStore, contextId: string): Promise<{ replicaP50: number; storeP50: number; replicaPerSec: number; storePerSec: number }> {
  const replica = await ContextReplica.open(store, contextId);
  try {
    const replicaSamples: number[] = [];
    let started = performance.now();
    for (let i = 0; i < READS; i++) {
      const t = performance.now();
      replica.get(`k${i % 100}`);
      replicaSamples.push(performance.now() - t);
    }
    const replicaPerSec = READS / ((performance.now() - started) / 1000);
    const storeSamples: number[] = [];
    const storeReads = READS / 10;
    started = performance.now();
    for (let i = 0; i < storeReads; i++) {
      const t = performance.now();
      await store.get(contextId, `k${i % 100}`);
      storeSamples.push(performance.now() - t);
    }
    const storePerSec = storeReads / ((performance.now() - started) / 1000);
    return { replicaP50: quantile(replicaSamples, 0.5), storeP50: quantile(storeSamples, 0.5), replicaPerSec, storePerSec };
  } finally {
    await replica.close();
  }
}

async function writeThroughput(store: ContextStore, contextId: string): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < THROUGHPUT_WRITES) {
      const i = next++;
      await store.put(contextId, `w${i % 500}`, { i });
    }
  }));
  return THROUGHPUT_WRITES / ((performance.now() - started) / 1000);
}

async function memoryPer10kKeys(store: ContextStore, raw: Redis, contextId: string): Promise<{ redisBytes: number; replicaHeapBytes: number }> {
  const usedMemory = async () => Number(/used_memory:(\d+)/.exec(await raw.info('memory'))?.[1]);
  const before = await usedMemory();
  const value = { name: 'sensor reading', unit: 'celsius', value: 21.5, tags: ['kitchen', 'pi'] };
  for (let i = 0; i < KEYS; i += 100) {
    await Promise.all(Array.from({ length: 100 }, (_, j) => store.put(contextId, `key-${i + j}`, value)));
  }
  const redisBytes = (await usedMemory()) - before;
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const replica = await ContextReplica.open(store, contextId);
  gc?.();
  const replicaHeapBytes = process.memoryUsage().heapUsed - heapBefore;
  await replica.close();
  return { redisBytes, replicaHeapBytes };
}

async function main(): Promise<void> {
  const redis = await RedisProcess.start();
  const raw = new Redis(redis.url);
  const nodeA = new RedisContextStore({ url: redis.url });
  const nodeB = new RedisContextStore({ url: redis.url });
  const memory = new InMemoryContextStore();
  try {
    const redisProp = await propagation(nodeA, nodeB, 'bench-propagation');
    const memoryProp = await propagation(memory, memory, 'bench-propagation');
    const read = await reads(nodeB, 'bench-propagation');
    const writesPerSec = await writeThroughput(nodeA, 'bench-writes');
    const mem = await memoryPer10kKeys(nodeA, raw, 'bench-memory');
    const p50 = quantile(redisProp, 0.5);
    const p99 = quantile(redisProp, 0.99);
    console.log(`| ${ms(p50)} | ${ms(p99)} | ${ms(quantile(memoryProp, 0.5))} | ${ms(quantile(memoryProp, 0.99))} | ${ms(read.replicaP50)} | ${ms(read.storeP50)} | `
      + `${Math.round(read.replicaPerSec)} | ${Math.round(read.storePerSec)} | ${Math.round(writesPerSec)} | ${(mem.redisBytes / 1024 / 1024).toFixed(2)} | ${(mem.replicaHeapBytes / 1024 / 1024).toFixed(2)} |`);
  } finally {
    await Promise.all([nodeA.close(), nodeB.close(), memory.close()]);
    raw.disconnect();
    await redis.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
