import { randomUUID } from 'node:crypto';
import { RedisContextStore } from '@pimcp/context-store';
import { EtcdProcess, pollUntil, RedisProcess } from '@pimcp/testing';
import Redis from 'ioredis';
import { bootstrapContextSync, type RunningContextSync } from './bootstrap-context-sync';
import { contextSyncConfig } from './config/context-sync.config';

describe('context-sync: elected leader sweeps the shared contexts in Redis', () => {
  let etcd: EtcdProcess;
  let redis: RedisProcess;
  const replicas: RunningContextSync[] = [];

  beforeAll(async () => {
    [etcd, redis] = await Promise.all([EtcdProcess.start(), RedisProcess.start()]);
  });

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.close().catch(() => undefined)));
    await Promise.all([etcd?.stop(), redis?.stop()]);
  });

  function start(replicaId: string): Promise<RunningContextSync> {
    const config = contextSyncConfig.load({
      env: {
        PIMCP_REDIS_URL: redis.url, PIMCP_ETCD_HOSTS: etcd.clientUrl, PIMCP_CONTEXT_SYNC_HTTP_PORT: '0',
        PIMCP_CONTEXT_SYNC_REPLICA_ID: replicaId, PIMCP_CONTEXT_SYNC_SWEEP_INTERVAL_MS: '200', PIMCP_CONTEXT_SYNC_RETAIN_CHANGES: '5',
        PIMCP_CONTEXT_SYNC_ELECTION_TTL_SECONDS: '2',
      },
    });
    return bootstrapContextSync({ config, logger: false }).then((r) => {
      replicas.push(r);
      return r;
    });
  }

  it('refuses to start without Redis, naming the variable', async () => {
    const config = contextSyncConfig.load({ env: { PIMCP_CONTEXT_SYNC_HTTP_PORT: '0' } });
    await expect(bootstrapContextSync({ config, logger: false })).rejects.toThrow(/PIMCP_REDIS_URL/);
  });

  it('elects one leader, which compacts histories; stats show it; a follower takes over when it stops', async () => {
    const a = await start('sync-a');
    const b = await start('sync-b');
    await pollUntil(async () => (await Promise.all([a, b].map((r) => r.leadership.status()))).filter((s) => s.isLeader).length === 1 || undefined, {
      timeoutMs: 10_000, description: 'exactly one leader',
    });
    const leader = (await a.leadership.status()).isLeader ? a : b;
    const follower = leader === a ? b : a;
    expect(follower.janitor.running).toBe(false);

    const store = new RedisContextStore({ url: redis.url });
    const ctx = `sweep-${randomUUID()}`;
    for (let i = 1; i <= 20; i++) await store.put(ctx, 'n', i);
    const raw = new Redis(redis.url);
    try {
      await pollUntil(async () => (await raw.xlen(`pimcp:v1:ctx:{${ctx}}:log`)) === 5 || undefined, { timeoutMs: 5_000, description: 'the leader to compact the history to 5' });
      const stats = await (await fetch(`${follower.httpUrl}/v1/stats`)).json() as Record<string, unknown>;
      expect(stats).toMatchObject({ isLeader: false, leader: (await leader.leadership.status()).replicaId, contexts: { contexts: 1, keys: 1, historyEntries: 5 } });
      expect((await fetch(`${leader.httpUrl}/v1/stats`).then((r) => r.json()) as { lastSweep: unknown }).lastSweep).toMatchObject({ contexts: 1 });
      expect((await fetch(`${leader.httpUrl}/health/ready`)).status).toBe(200);

      await leader.close();
      replicas.splice(replicas.indexOf(leader), 1);
      await pollUntil(async () => (await follower.leadership.status()).isLeader || undefined, { timeoutMs: 10_000, description: 'the follower to take over' });
      for (let i = 21; i <= 30; i++) await store.put(ctx, 'n', i);
      await pollUntil(async () => (await raw.xlen(`pimcp:v1:ctx:{${ctx}}:log`)) === 5 || undefined, { timeoutMs: 5_000, description: 'the new leader to compact' });
      expect((await store.get(ctx, 'n'))?.value).toBe(30);
    } finally {
      raw.disconnect();
      await store.close();
    }
  });
});
