import { Etcd3 } from 'etcd3';
import { EtcdCluster } from './etcd-cluster';

function clientFor(hosts: string[]): Etcd3 {
  return new Etcd3({ hosts, dialTimeout: 1_000, defaultCallOptions: () => ({ deadline: Date.now() + 2_000 }) });
}

describe(EtcdCluster.name, () => {
  let cluster: EtcdCluster;
  const clients: Etcd3[] = [];
  const connect = (hosts: string[]): Etcd3 => {
    const client = clientFor(hosts);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    cluster = await EtcdCluster.start();
  });

  afterAll(async () => {
    clients.forEach((client) => client.close());
    await cluster?.stop();
  });

  describe('start', () => {
    it('starts three members that replicate to each other', async () => {
      await connect([cluster.clientUrls[0]]).put('cluster/a').value('1');

      expect(cluster.members).toHaveLength(3);
      expect(new Set(cluster.clientUrls).size).toBe(3);
      expect(await connect([cluster.clientUrls[2]]).get('cluster/a').string()).toBe('1');
      const members = await connect([cluster.clientUrls[1]]).cluster.memberList({});
      expect(members.members.map((m) => m.name).sort()).toEqual(['member-0', 'member-1', 'member-2']);
    });
  });

  describe('killMember', () => {
    it('rejects an index outside the cluster', async () => {
      await expect(cluster.killMember(3)).rejects.toThrow(/members 0\.\.2/);
    });

    it('leaves a quorum that still accepts writes through the other members', async () => {
      await cluster.killMember(0);

      const survivors = connect(cluster.clientUrls.slice(1));
      await survivors.put('cluster/b').value('written-without-member-0');

      expect(cluster.members[0].pid).toBeUndefined();
      expect(await survivors.get('cluster/b').string()).toBe('written-without-member-0');
      await expect(connect([cluster.clientUrls[0]]).get('cluster/b').string()).rejects.toThrow();
    });
  });

  describe('restartMember', () => {
    it('rejoins the member, which then serves what was written while it was down', async () => {
      await cluster.restartMember(0);

      expect(cluster.members[0].pid).toEqual(expect.any(Number));
      // etcd3 reads are linearizable by default, so this goes through the leader.
      expect(await connect([cluster.clientUrls[0]]).get('cluster/b').string()).toBe('written-without-member-0');
    });
  });
});
