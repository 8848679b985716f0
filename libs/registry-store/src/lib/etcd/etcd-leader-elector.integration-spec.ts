import { EtcdProcess, pollUntil } from '@pimcp/testing';
import { Etcd3 } from 'etcd3';
import { describeLeaderElectorContract } from '../contract/leader-elector.contract';
import { registryKeys } from '../registry-keys';
import { EtcdLeaderElector } from './etcd-leader-elector.adapter';

let etcd: EtcdProcess;
let admin: Etcd3;
let services = 0;

beforeAll(async () => {
  etcd = await EtcdProcess.start();
  admin = new Etcd3({ hosts: etcd.clientUrl });
});

afterAll(async () => {
  admin?.close();
  await etcd?.stop();
});

describeLeaderElectorContract(EtcdLeaderElector.name, async () => {
  // A fresh election per test, so a previous test's lease cannot delay this one.
  const service = `contract-${++services}`;
  return {
    createElector: () => new EtcdLeaderElector({ hosts: etcd.clientUrl, service, ttlSeconds: 2 }),
    cleanup: async () => undefined,
  };
});

describe(EtcdLeaderElector.name, () => {
  describe('campaign', () => {
    it('keeps its candidates under registryKeys.election(service)', async () => {
      const elector = new EtcdLeaderElector({ hosts: etcd.clientUrl, service: 'layout', ttlSeconds: 2 });
      await elector.campaign('replica-1', () => undefined);
      await pollUntil(() => elector.isLeader, { timeoutMs: 5000, description: 'leadership' });

      const keys = await admin.getAll().prefix(`${registryKeys.election('layout')}/`).strings();

      expect(Object.values(keys)).toEqual(['replica-1']);
      await elector.resign();
      expect(await admin.getAll().prefix(`${registryKeys.election('layout')}/`).keys()).toEqual([]);
    });

    it('reports losing its lease and campaigns again', async () => {
      const changes: boolean[] = [];
      const elector = new EtcdLeaderElector({ hosts: etcd.clientUrl, service: 'lost-lease', ttlSeconds: 2, retryDelayMs: 100 });
      await elector.campaign('replica-1', (isLeader) => changes.push(isLeader));
      await pollUntil(() => elector.isLeader, { timeoutMs: 5000, description: 'leadership' });

      const [candidate] = (await admin.getAll().prefix(`${registryKeys.election('lost-lease')}/`).exec()).kvs;
      await admin.leaseClient.leaseRevoke({ ID: candidate?.lease ?? '0' });

      await pollUntil(() => changes.length >= 3, { timeoutMs: 8000, description: 'loss and re-election' });
      expect(changes.slice(0, 3)).toEqual([true, false, true]);
      expect(await elector.leader()).toBe('replica-1');
      await elector.resign();
    });
  });
});
