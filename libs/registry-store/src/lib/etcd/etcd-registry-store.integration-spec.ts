import { createServer, type AddressInfo, type Socket } from 'node:net';
import { ErrorCode, manifestLimits, schemaDigest, type RegistryEvent } from '@pimcp/protocol';
import { EtcdCluster, EtcdProcess, freePort, pollUntil, TcpProxy } from '@pimcp/testing';
import { Etcd3 } from 'etcd3';
import { contractCapability, contractManifest } from '../contract/contract-manifest.fixture';
import { describeRegistryStoreContract } from '../contract/registry-store.contract';
import { RegistryEventCollector } from '../contract/registry-event.collector';
import { registryKeys, REGISTRY_PREFIX } from '../registry-keys';
import { EtcdRegistryStore } from './etcd-registry-store.adapter';

let etcd: EtcdProcess;
let admin: Etcd3;

beforeAll(async () => {
  etcd = await EtcdProcess.start();
  admin = new Etcd3({ hosts: etcd.clientUrl });
});

afterAll(async () => {
  admin?.close();
  await etcd?.stop();
});

/** Leaves the shared etcd empty for the next test: no registry keys, no leases that could expire later. */
async function wipe(): Promise<void> {
  const { leases } = await admin.leaseClient.leaseLeases();
  await Promise.all(leases.map((l) => admin.leaseClient.leaseRevoke({ ID: l.ID }).catch(() => undefined)));
  await admin.delete().prefix(REGISTRY_PREFIX);
}

describeRegistryStoreContract(EtcdRegistryStore.name, async () => {
  const store = new EtcdRegistryStore({ hosts: etcd.clientUrl });
  return {
    store,
    openReplica: async () => new EtcdRegistryStore({ hosts: etcd.clientUrl }),
    cleanup: async () => {
      await store.close();
      await wipe();
    },
  };
}, { leaseTtlSeconds: 2 });

describe(EtcdRegistryStore.name, () => {
  const stores: EtcdRegistryStore[] = [];
  const open = (hosts: string | string[], requestTimeoutMs?: number): EtcdRegistryStore => {
    const store = new EtcdRegistryStore({ hosts, ...(requestTimeoutMs ? { requestTimeoutMs } : {}) });
    stores.push(store);
    return store;
  };

  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    await wipe();
  });

  describe('definition pinning', () => {
    const pinning = { trusted: false, holdNewCapabilities: false };

    it('pins a node with the most capabilities a manifest allows within etcd\'s default --max-txn-ops', async () => {
      const store = open(etcd.clientUrl);
      const capabilities = Array.from({ length: manifestLimits.capabilitiesPerNode }, (_, i) => contractCapability(`cap.n${i}`));

      const result = await store.join(contractManifest('node-a', capabilities), { ttlSeconds: 30, pinning });

      expect(result.pinningEvents).toHaveLength(capabilities.length);
      expect(await store.listPins('node-a')).toHaveLength(capabilities.length);
      const changed = capabilities.map((c) => ({ ...c, description: `${c.description}, changed` }));
      await expect(store.join(contractManifest('node-a', changed), { ttlSeconds: 30, pinning }))
        .resolves.toMatchObject({ held: changed.map((c) => c.name) });
    });

    it('keeps a held change, and the definition it holds back, across a registry restart', async () => {
      const first = open(etcd.clientUrl);
      await first.join(contractManifest('node-a', [contractCapability('file.search')]), { ttlSeconds: 30, pinning });
      const changed = { ...contractCapability('file.search'), description: 'changed while nobody looked' };
      await first.join(contractManifest('node-a', [changed]), { ttlSeconds: 30, pinning });
      await first.close();

      const restarted = open(etcd.clientUrl);

      expect((await restarted.listPins('node-a')).map((p) => [p.pinned?.definition, p.pending?.definition]))
        .toEqual([[contractCapability('file.search'), changed]]);
      expect((await restarted.listPinningEvents(10)).map((e) => e.kind)).toEqual(['pinned', 'held']);
      await restarted.reviewPin({ nodeId: 'node-a', name: 'file.search', approve: true });
      expect((await restarted.snapshot()).capabilities.map((c) => c.definition.description)).toEqual([changed.description]);
    });
  });

  describe('join', () => {
    it('stores the node and capabilities on the node lease, and the schema claim without one', async () => {
      const store = open(etcd.clientUrl);

      const { leaseId } = await store.join(contractManifest('node-a', [contractCapability('file.search')]), { ttlSeconds: 30 });

      const node = (await admin.kv.range({ key: Buffer.from(registryKeys.node('node-a')) })).kvs[0];
      const capability = (await admin.kv.range({ key: Buffer.from(registryKeys.capability('node-a', 'file.search')) })).kvs[0];
      const claim = (await admin.kv.range({ key: Buffer.from(registryKeys.claim('file.search', 1)) })).kvs[0];
      expect(node?.lease).toBe(leaseId);
      expect(JSON.parse(node?.value.toString() ?? '{}')).toMatchObject({ leaseId });
      expect(capability?.lease).toBe(leaseId);
      expect(claim?.lease).toBe('0');
      expect(JSON.parse(claim?.value.toString() ?? '""')).toBe(schemaDigest(contractCapability('file.search')));
    });

    it('revokes the lease of the registration it replaces', async () => {
      const store = open(etcd.clientUrl);
      const first = await store.join(contractManifest('node-a', [contractCapability('file.search')]), { ttlSeconds: 30 });

      await store.join(contractManifest('node-a', [contractCapability('file.search')]), { ttlSeconds: 30 });

      const { TTL } = await admin.leaseClient.leaseTimeToLive({ ID: first.leaseId });
      expect(Number(TTL)).toBeLessThanOrEqual(0);
    });

    it('answers INVALID_MANIFEST, naming --max-txn-ops, for more capabilities than one etcd transaction holds', async () => {
      const store = open(etcd.clientUrl);
      const capabilities = Array.from({ length: 70 }, (_, i) => contractCapability(`bulk.tool-${i}`));

      const joining = store.join(contractManifest('node-a', capabilities), { ttlSeconds: 30 });

      await expect(joining).rejects.toMatchObject({
        code: ErrorCode.InvalidManifest, message: expect.stringContaining('--max-txn-ops'),
      });
      expect((await store.snapshot()).nodes).toEqual([]);
    });
  });

  describe('removeOrphans', () => {
    it('removes capability keys whose node record is gone', async () => {
      const store = open(etcd.clientUrl);
      const orphan = registryKeys.capability('node-gone', 'file.search');
      await admin.put(orphan).value(JSON.stringify({ nodeId: 'node-gone', definition: contractCapability('file.search') }));

      const report = await store.removeOrphans();

      expect(report.capabilities).toEqual([orphan]);
      expect(await admin.get(orphan).exists()).toBe(false);
    });
  });

  describe('watch', () => {
    it('delivers every change exactly once and in order across a cut connection', async () => {
      const proxy = await TcpProxy.start({ host: '127.0.0.1', port: Number(new URL(etcd.clientUrl).port) });
      try {
        const writer = open(etcd.clientUrl);
        const watcherStore = open(proxy.urlFor('http'));
        const start = await writer.snapshot();
        const collector = await RegistryEventCollector.start(watcherStore, start.revision);
        const writes: number[] = [];
        const write = async (i: number) => writes.push(await writer.setCapabilityEnabled(`node-${i % 3}`, `tool.n${i}`, false));

        for (let i = 0; i < 3; i++) await write(i);
        await collector.waitFor((e) => e.revision === writes[2], 'writes before the cut');
        proxy.cut();
        for (let i = 3; i < 10; i++) await write(i);
        await new Promise((resolve) => setTimeout(resolve, 700));
        proxy.restore();
        for (let i = 10; i < 13; i++) await write(i);

        await collector.waitFor((e) => e.revision === writes[12], 'writes after the restore', 15_000);
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(collector.errors).toEqual([]);
        expect(collector.events.map((e) => e.revision)).toEqual(writes);
        expect(collector.events.map((e) => (e as Extract<RegistryEvent, { kind: 'disabled' }>).name))
          .toEqual(writes.map((_, i) => `tool.n${i}`));
      } finally {
        await proxy.stop();
      }
    });

    it('reports WATCH_COMPACTED when etcd no longer holds the requested history', async () => {
      const store = open(etcd.clientUrl);
      const first = await store.setCapabilityEnabled('node-a', 'tool.one', false);
      const last = await store.setCapabilityEnabled('node-a', 'tool.two', false);
      await admin.kv.compact({ revision: last, physical: true });

      const collector = await RegistryEventCollector.start(store, first - 1);

      expect(await collector.waitForError()).toMatchObject({ code: ErrorCode.WatchCompacted });
      expect(collector.events).toEqual([]);
    });
  });

  describe('with an unreachable etcd', () => {
    it('fails fast with a retryable STORE_UNAVAILABLE that names the hosts when nothing listens', async () => {
      const url = `http://127.0.0.1:${await freePort()}`;
      const store = open(url, 1000);
      const startedAt = Date.now();

      const error = await store.snapshot().catch((e: unknown) => e);

      expect(Date.now() - startedAt).toBeLessThan(1500);
      expect(error).toMatchObject({ code: ErrorCode.StoreUnavailable, retryable: true, message: expect.stringContaining(url) });
      await expect(store.join(contractManifest('node-a', [contractCapability('file.search')]), { ttlSeconds: 5 }))
        .rejects.toMatchObject({ code: ErrorCode.StoreUnavailable });
    });

    it('gives up within the request timeout when etcd accepts connections but never answers', async () => {
      const accepted = new Set<Socket>();
      const silent = createServer((socket) => accepted.add(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      try {
        const store = open(url, 1000);

        for (const operation of [() => store.snapshot(), () => store.watch(0, { onEvents: () => undefined })]) {
          const startedAt = Date.now();
          await expect(operation()).rejects.toMatchObject({ code: ErrorCode.StoreUnavailable, message: expect.stringContaining(url) });
          expect(Date.now() - startedAt).toBeLessThan(2500);
        }
      } finally {
        accepted.forEach((socket) => socket.destroy());
        await new Promise((resolve) => silent.close(resolve));
      }
    });
  });

  describe('with a three-member cluster', () => {
    let cluster: EtcdCluster | undefined;

    afterAll(async () => {
      await cluster?.stop();
    });

    it('keeps accepting joins, heartbeats and snapshots after one member dies', async () => {
      cluster = await EtcdCluster.start(3);
      const store = open(cluster.clientUrls);
      await store.join(contractManifest('node-a', [contractCapability('file.search')]), { ttlSeconds: 4 });

      await cluster.killMember(0);
      // The survivors may need one election round (500 ms here) before they serve writes again.
      await pollUntil(() => store.heartbeat('node-a'), { timeoutMs: 3000, description: 'a heartbeat after the kill' });

      for (let round = 0; round < 6; round++) {
        await expect(store.heartbeat('node-a')).resolves.toEqual({ draining: false });
        await store.join(contractManifest(`node-${round}b`, [contractCapability('file.read')]), { ttlSeconds: 30 });
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      const snapshot = await store.snapshot();
      expect(snapshot.nodes.map((n) => n.nodeId)).toContain('node-a');
      expect(snapshot.nodes).toHaveLength(7);
    });
  });
});
