import { EtcdProcess, pollUntil } from '@pimcp/testing';
import { RegistryProcess } from './registry-process';

const ELECTION_TTL_SECONDS = 2;

describe('registry leader election (e2e, real etcd, separate processes)', () => {
  let etcd: EtcdProcess;
  const replicas: RegistryProcess[] = [];

  beforeAll(async () => {
    etcd = await EtcdProcess.start();
    const env = { PIMCP_ETCD_HOSTS: etcd.clientUrl, PIMCP_REGISTRY_ELECTION_TTL_SECONDS: String(ELECTION_TTL_SECONDS) };
    replicas.push(await RegistryProcess.start('replica-a', env), await RegistryProcess.start('replica-b', env));
  });

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.kill()));
    await etcd?.stop();
  });

  it('elects exactly one leader, and a follower takes over within 2x the TTL after the leader is SIGKILLed', async () => {
    const leader = await pollUntil(async () => {
      const statuses = await Promise.all(replicas.map((r) => r.leaderStatus()));
      const leaders = replicas.filter((_, i) => statuses[i]?.isLeader);
      return leaders.length === 1 ? leaders[0] : undefined;
    }, { timeoutMs: 15_000, intervalMs: 100, description: 'exactly one leader' });
    const follower = replicas.find((r) => r !== leader);
    if (!follower) throw new Error('no follower');
    expect((await follower.leaderStatus())?.leader).toBe(leader.replicaId);

    const killedAt = Date.now();
    await leader.kill('SIGKILL');
    await pollUntil(async () => (await follower.leaderStatus())?.isLeader === true, {
      timeoutMs: 4 * ELECTION_TTL_SECONDS * 1000, intervalMs: 50, description: 'follower to take over',
    });
    const takeoverMs = Date.now() - killedAt;
    expect(takeoverMs).toBeLessThanOrEqual(2 * ELECTION_TTL_SECONDS * 1000);
  });
});
