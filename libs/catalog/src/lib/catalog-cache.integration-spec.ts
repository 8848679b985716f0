import { EtcdRegistryStore, REGISTRY_PREFIX } from '@pimcp/registry-store';
import { EtcdProcess, TcpProxy } from '@pimcp/testing';
// Only to compact history and wipe keys between tests, which the store port rightly does not offer.
import { Etcd3 } from 'etcd3';
import { capability, manifest } from '../test-support/catalog-manifest.fixture';
import { CatalogChangeRecorder } from '../test-support/catalog-change.recorder';
import { CatalogCache } from './catalog-cache.service';

const TTL = { ttlSeconds: 30 };
const quiet = () => ({ log: jest.fn(), warn: jest.fn(), error: jest.fn() });

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

describe(`${CatalogCache.name} over etcd`, () => {
  const stores: EtcdRegistryStore[] = [];
  const caches: CatalogCache[] = [];
  const proxies: TcpProxy[] = [];
  let writer: EtcdRegistryStore;

  const openStore = (hosts: string): EtcdRegistryStore => {
    const store = new EtcdRegistryStore({ hosts, requestTimeoutMs: 1000, maxWatchBackoffMs: 500 });
    stores.push(store);
    return store;
  };

  async function startCache(hosts = etcd.clientUrl, logger = quiet()) {
    const cache = new CatalogCache(openStore(hosts), { minResyncDelayMs: 50, maxResyncDelayMs: 500, logger });
    caches.push(cache);
    await cache.start();
    return { cache, changes: new CatalogChangeRecorder(cache), logger };
  }

  async function openProxy(): Promise<TcpProxy> {
    const proxy = await TcpProxy.start({ host: '127.0.0.1', port: Number(new URL(etcd.clientUrl).port) });
    proxies.push(proxy);
    return proxy;
  }

  /** Waits until `cache` has applied everything etcd holds now. */
  async function caughtUp(cache: CatalogCache, timeoutMs = 5000): Promise<void> {
    await cache.waitForRevision((await writer.snapshot()).revision, timeoutMs);
  }

  /** What a cache started from scratch now would show: the state a lagging cache must converge to. */
  async function freshView() {
    const reference = new CatalogCache(writer, { logger: quiet() });
    await reference.start();
    const view = { tools: reference.tools({ includeAliases: true }), nodes: reference.nodes(), revision: reference.revision };
    await reference.stop();
    return view;
  }

  beforeEach(() => {
    writer = openStore(etcd.clientUrl);
  });

  afterEach(async () => {
    await Promise.all(caches.splice(0).map((c) => c.stop()));
    await Promise.all(proxies.splice(0).map((p) => p.stop()));
    await Promise.all(stores.splice(0).map((s) => s.close()));
    const { leases } = await admin.leaseClient.leaseLeases();
    await Promise.all(leases.map((l) => admin.leaseClient.leaseRevoke({ ID: l.ID }).catch(() => undefined)));
    await admin.delete().prefix(REGISTRY_PREFIX);
  });

  it('keeps two caches in step with joins and leaves', async () => {
    const [a, b] = [await startCache(), await startCache()];

    const joined = await writer.join(manifest('node-a', [capability('file.search'), capability('db.query')]), TTL);
    await writer.join(manifest('node-b', [capability('file.search')]), TTL);
    for (const { cache } of [a, b]) {
      await caughtUp(cache);
      expect(cache.tools().map((t) => [t.name, t.providers.map((p) => p.nodeId)]))
        .toEqual([['db.query', ['node-a']], ['file.search', ['node-a', 'node-b']]]);
    }
    await writer.leave('node-a');

    for (const { cache, changes } of [a, b]) {
      await caughtUp(cache);
      expect(cache.tools({ includeAliases: true }).map((t) => t.name)).toEqual(['file.search', 'node-b.file.search']);
      expect(changes.changes.map((c) => c.cause)).toEqual(['watch', 'watch', 'watch']);
      expect(changes.changes[0]?.revision).toBe(joined.revision);
    }
  });

  it('misses nothing written while its etcd connection was cut', async () => {
    const proxy = await openProxy();
    await writer.join(manifest('node-a', [capability('file.search'), capability('db.query')]), TTL);
    await writer.join(manifest('node-b', [capability('file.search')]), TTL);
    const { cache, changes } = await startCache(proxy.urlFor('http'));

    proxy.cut();
    await writer.join(manifest('node-c', [capability('vector.query'), capability('file.search')]), TTL);
    await writer.setCapabilityEnabled('node-a', 'file.search', false);
    await writer.drain('node-b');
    await writer.leave('node-a');
    await writer.setCatalogRevision(3);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(cache.tools().map((t) => t.name)).toEqual(['db.query', 'file.search']);
    proxy.restore();

    const expected = await freshView();
    await cache.waitForRevision(expected.revision, 15_000);
    expect(cache.tools({ includeAliases: true })).toEqual(expected.tools);
    expect(cache.nodes()).toEqual(expected.nodes);
    expect(cache.catalogRevision).toBe(3);
    expect(cache.status()).toMatchObject({ phase: 'live', resyncs: 0 });
    // Replayed change by change, in order, each announced once.
    const revisions = changes.changes.map((c) => c.revision);
    expect(revisions).toEqual([...new Set(revisions)].sort((x, y) => x - y));
    expect(new Set(changes.changes.flatMap((c) => c.names))).toEqual(new Set([
      'db.query', 'file.search', 'vector.query',
      'node-a.db.query', 'node-a.file.search', 'node-b.file.search', 'node-c.file.search', 'node-c.vector.query',
    ]));
  });

  it('takes a new snapshot when etcd compacted the history it missed while cut', async () => {
    const proxy = await openProxy();
    await writer.join(manifest('node-a', [capability('file.search')]), TTL);
    const { cache, changes, logger } = await startCache(proxy.urlFor('http'));

    proxy.cut();
    await writer.join(manifest('node-b', [capability('db.query')]), TTL);
    await writer.leave('node-a');
    const last = await writer.setCapabilityEnabled('node-b', 'shell.exec', false);
    await admin.kv.compact({ revision: last, physical: true });
    proxy.restore();

    const resync = await changes.waitFor((c) => c.cause === 'resync', 'the resnapshot', 15_000);
    expect(resync).toMatchObject({ toolsChanged: true, names: ['db.query', 'file.search', 'node-a.file.search', 'node-b.db.query'] });
    const expected = await freshView();
    await cache.waitForRevision(expected.revision, 5000);
    expect(cache.tools({ includeAliases: true })).toEqual(expected.tools);
    expect(cache.status()).toMatchObject({ phase: 'live', resyncs: 1, lastError: expect.stringContaining('compacted') });
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('taking a new snapshot'));

    // The new watch carries on from the snapshot.
    await cache.waitForRevision(await writer.setCapabilityEnabled('node-b', 'db.query', false), 5000);
    expect(cache.tools()).toEqual([]);
  });

  it('drops the tools of a node whose lease expires, and announces it', async () => {
    const { cache, changes } = await startCache();
    await writer.join(manifest('node-a', [capability('file.search')]), { ttlSeconds: 1 });
    await writer.join(manifest('node-b', [capability('db.query')]), TTL);
    await caughtUp(cache);
    expect(cache.tools().map((t) => t.name)).toEqual(['db.query', 'file.search']);
    changes.clear();

    const expired = await changes.waitFor((c) => c.names.includes('file.search'), 'node-a expiring', 5000);

    expect(expired).toMatchObject({ toolsChanged: true, cause: 'watch', names: ['file.search', 'node-a.file.search'] });
    expect(cache.tools().map((t) => t.name)).toEqual(['db.query']);
    expect(cache.nodes().map((n) => n.nodeId)).toEqual(['node-b']);
  });
});
