import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pollUntil, RedisProcess, TcpProxy } from '@pimcp/testing';
import { RedisContextStore } from '../redis/redis-context-store.adapter';
import { ContextJournal, type JournalEntry } from './context-journal';
import { HybridLogicalClock } from './hybrid-logical-clock';
import { OfflineContextStore } from './offline-context-store';

describe('OfflineContextStore: an edge node cut off from Redis keeps writing, then converges', () => {
  let redis: RedisProcess;
  let proxy: TcpProxy;
  const closers: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    redis = await RedisProcess.start();
    proxy = await TcpProxy.start({ host: '127.0.0.1', port: redis.port });
  });

  afterAll(async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await proxy?.stop();
    await redis?.stop();
  });

  it('journals writes while cut off, replays them in order on reconnect, last-writer-wins by clock, CAS conflicts reported', async () => {
    const keyPrefix = `offline:${randomUUID()}:`;
    const conflicts: JournalEntry[] = [];
    const journalPath = join(mkdtempSync(join(tmpdir(), 'pimcp-offline-')), 'journal.jsonl');
    // Node A reaches Redis through the proxy (its uplink); node B directly.
    const edge = new OfflineContextStore(
      new RedisContextStore({ url: proxy.urlFor('redis'), keyPrefix, watchBlockMs: 200, redis: { commandTimeout: 1000 } }),
      ContextJournal.open(journalPath), new HybridLogicalClock('edge-a'), { retryIntervalMs: 100, onReplayConflict: (e) => conflicts.push(e) },
    );
    const cloud = new RedisContextStore({ url: redis.url, keyPrefix });
    closers.push(() => edge.close(), () => cloud.close());

    await edge.put('ctx', 'shared', 'before the cut');
    await cloud.put('ctx', 'overtaken', 'cloud, before the cut');
    const { revision: casBase } = await cloud.put('ctx', 'cas', 0);

    proxy.cut();
    expect(await edge.put('ctx', 'overtaken', 'edge, offline')).toMatchObject({ pending: true });
    expect(edge.online).toBe(false);
    await edge.put('ctx', 'edge-only', 'written offline');
    await edge.patch('ctx', 'doc', { a: 1 });
    await edge.patch('ctx', 'doc', { b: 2 });
    await edge.put('ctx', 'cas', 1, { expectedRevision: casBase });
    // Meanwhile the cloud writes later (by clock) to one key and moves the CAS key on.
    await new Promise((r) => setTimeout(r, 5));
    await cloud.put('ctx', 'overtaken', 'cloud, later');
    await cloud.put('ctx', 'cas', 99);
    expect(edge.pendingWrites).toBe(5);
    expect(edge.pendingFor('ctx').map((e) => e.key)).toEqual(['overtaken', 'edge-only', 'doc', 'doc', 'cas']);

    proxy.restore();
    await pollUntil(() => edge.online || undefined, { timeoutMs: 10_000, description: 'the journal to be replayed' });

    expect(edge.lastReplay).toEqual({ applied: 3, superseded: 1, conflicts: 1 });
    expect(conflicts.map((c) => c.key)).toEqual(['cas']);
    for (const store of [edge, cloud]) {
      expect((await store.get('ctx', 'overtaken'))?.value).toBe('cloud, later');
      expect((await store.get('ctx', 'edge-only'))?.value).toBe('written offline');
      expect((await store.get('ctx', 'doc'))?.value).toEqual({ a: 1, b: 2 });
      expect((await store.get('ctx', 'cas'))?.value).toBe(99);
      expect((await store.get('ctx', 'shared'))?.value).toBe('before the cut');
    }
  });

  it('replays a journal left by a node that restarted while offline', async () => {
    const keyPrefix = `offline:${randomUUID()}:`;
    const journalPath = join(mkdtempSync(join(tmpdir(), 'pimcp-offline-')), 'journal.jsonl');
    const journal = ContextJournal.open(journalPath);
    journal.append({ op: 'put', contextId: 'ctx', key: 'k', value: 'from before the restart', clock: new HybridLogicalClock('edge-b').next() });
    journal.close();

    const edge = new OfflineContextStore(new RedisContextStore({ url: redis.url, keyPrefix }), ContextJournal.open(journalPath), new HybridLogicalClock('edge-b'), { retryIntervalMs: 100 });
    closers.push(() => edge.close());
    await pollUntil(() => edge.online || undefined, { timeoutMs: 5_000, description: 'the old journal to be replayed' });
    expect((await edge.get('ctx', 'k'))?.value).toBe('from before the restart');
    expect(ContextJournal.open(journalPath).size).toBe(0);
  });
});
