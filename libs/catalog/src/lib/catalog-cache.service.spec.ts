import { ALL_NODES, ErrorCode, PimcpError } from '@pimcp/protocol';
import { EmbeddedRegistryStore } from '@pimcp/registry-store';
import { pollUntil } from '@pimcp/testing';
import { capability, manifest } from '../test-support/catalog-manifest.fixture';
import { CatalogChangeRecorder } from '../test-support/catalog-change.recorder';
import { FailingWatchStore } from '../test-support/failing-watch.store';
import { CatalogCache } from './catalog-cache.service';
import type { CatalogCacheOptions } from './catalog.types';
import { CatalogErrorCode } from './errors/catalog.exception';

const TTL = { ttlSeconds: 30 };

describe(CatalogCache.name, () => {
  let store: EmbeddedRegistryStore;
  const caches: CatalogCache[] = [];

  beforeEach(() => {
    store = new EmbeddedRegistryStore();
  });

  afterEach(async () => {
    await Promise.all(caches.splice(0).map((c) => c.stop()));
    await store.close();
  });

  async function startCache(source = store as ConstructorParameters<typeof CatalogCache>[0], options: CatalogCacheOptions = {}) {
    const quiet = { log: jest.fn(), warn: jest.fn(), error: jest.fn() };
    const cache = new CatalogCache(source, { minResyncDelayMs: 10, maxResyncDelayMs: 50, logger: quiet, ...options });
    caches.push(cache);
    await cache.start();
    return { cache, changes: new CatalogChangeRecorder(cache) };
  }

  /** Waits until the cache has applied everything the store holds now. */
  async function caughtUp(cache: CatalogCache): Promise<void> {
    await cache.waitForRevision((await store.snapshot()).revision, 2000);
  }

  const names = (cache: CatalogCache, includeAliases = false) => cache.tools({ includeAliases }).map((t) => t.name);
  const providerIds = (cache: CatalogCache, name: string) => cache.resolve(name)?.providers.map((p) => p.nodeId);

  describe('start', () => {
    it('loads the snapshot: tools, nodes and both revisions', async () => {
      await store.join(manifest('node-a', [capability('file.search'), capability('db.query')]), TTL);
      await store.setCatalogRevision(7);

      const { cache } = await startCache();

      expect(names(cache)).toEqual(['db.query', 'file.search']);
      expect(cache.nodes().map((n) => n.nodeId)).toEqual(['node-a']);
      expect(cache.revision).toBe((await store.snapshot()).revision);
      expect(cache.catalogRevision).toBe(7);
      expect(cache.status()).toMatchObject({ phase: 'live', resyncs: 0 });
    });

    it('refuses reads before the first snapshot, naming start()', () => {
      const cache = new CatalogCache(store);

      expect(() => cache.tools()).toThrow(expect.objectContaining({
        code: CatalogErrorCode.NotStarted, message: expect.stringContaining('start()'),
      }));
      expect(() => cache.resolve('file.search')).toThrow(/start\(\)/);
    });

    it('rejects with the store error when the snapshot fails, and may be started again', async () => {
      const failing = new FailingWatchStore(store);
      failing.failSnapshots(new PimcpError(ErrorCode.StoreUnavailable, 'etcd is down'));
      const cache = new CatalogCache(failing, { logger: { log: jest.fn(), warn: jest.fn(), error: jest.fn() } });
      caches.push(cache);

      await expect(cache.start()).rejects.toMatchObject({ code: ErrorCode.StoreUnavailable, retryable: true });
      expect(cache.status().phase).toBe('idle');

      await cache.start();
      expect(cache.status().phase).toBe('live');
    });

    it('refuses a second start, and a start after stop', async () => {
      const { cache } = await startCache();

      await expect(cache.start()).rejects.toMatchObject({ code: CatalogErrorCode.AlreadyStarted });
      await cache.stop();
      await expect(cache.start()).rejects.toMatchObject({ code: CatalogErrorCode.Stopped });
    });
  });

  describe('tools', () => {
    it('lists a capability offered by several nodes once, with every node as a provider', async () => {
      await store.join(manifest('node-b', [capability('file.search')], { labels: { tier: 'cloud' } }), TTL);
      await store.join(manifest('node-a', [capability('file.search'), capability('db.query')]), TTL);
      const { cache } = await startCache();

      expect(names(cache)).toEqual(['db.query', 'file.search']);
      expect(cache.tools()[1]).toMatchObject({
        name: 'file.search', kind: 'federated', capabilityName: 'file.search',
        providers: [
          { nodeId: 'node-a', linkAddress: 'tcp://node-a.test:7600', labels: { tier: 'edge' }, draining: false, version: '1.0.0' },
          { nodeId: 'node-b', linkAddress: 'tcp://node-b.test:7600', labels: { tier: 'cloud' }, draining: false, version: '1.0.0' },
        ],
      });
    });

    it('follows joins and leaves, announcing each once', async () => {
      const { cache, changes } = await startCache();

      const joined = await store.join(manifest('node-a', [capability('file.search'), capability('db.query')]), TTL);
      await cache.waitForRevision(joined.revision, 2000);
      expect(names(cache)).toEqual(['db.query', 'file.search']);
      expect(changes.changes).toEqual([expect.objectContaining({
        revision: joined.revision, toolsChanged: true, aliasesChanged: true, providersChanged: true, cause: 'watch',
        names: ['db.query', 'file.search', 'node-a.db.query', 'node-a.file.search'],
      })]);

      await store.join(manifest('node-b', [capability('file.search')]), TTL);
      await caughtUp(cache);
      // file.search was listed already: a new provider and a new alias, but the same federated list.
      expect(changes.changes[1]).toMatchObject({
        toolsChanged: false, aliasesChanged: true, providersChanged: true, names: ['file.search', 'node-b.file.search'],
      });
      expect(providerIds(cache, 'file.search')).toEqual(['node-a', 'node-b']);

      await store.leave('node-a');
      await caughtUp(cache);
      expect(names(cache)).toEqual(['file.search']);
      expect(providerIds(cache, 'file.search')).toEqual(['node-b']);
      expect(changes.changes).toHaveLength(3);
    });

    it('drops a node whose lease expires, and announces it', async () => {
      const { cache, changes } = await startCache();
      await store.join(manifest('node-a', [capability('file.search')]), { ttlSeconds: 1 });
      await store.join(manifest('node-b', [capability('db.query')]), TTL);
      await caughtUp(cache);
      changes.clear();

      const change = await changes.waitFor((c) => c.names.includes('file.search'), 'node-a expiring', 4000);

      expect(change).toMatchObject({ toolsChanged: true, aliasesChanged: true, names: ['file.search', 'node-a.file.search'] });
      expect(names(cache)).toEqual(['db.query']);
      expect(cache.nodes().map((n) => n.nodeId)).toEqual(['node-b']);
    });

    it('hides a capability disabled on one node from that node only, and everywhere with *', async () => {
      await store.join(manifest('node-a', [capability('file.search')]), TTL);
      await store.join(manifest('node-b', [capability('file.search')]), TTL);
      const { cache, changes } = await startCache();

      await cache.waitForRevision(await store.setCapabilityEnabled('node-a', 'file.search', false), 2000);
      expect(providerIds(cache, 'file.search')).toEqual(['node-b']);
      expect(changes.changes.at(-1)).toMatchObject({
        toolsChanged: false, aliasesChanged: true, providersChanged: true, names: ['file.search', 'node-a.file.search'],
      });

      await cache.waitForRevision(await store.setCapabilityEnabled(ALL_NODES, 'file.search', false), 2000);
      expect(names(cache, true)).toEqual([]);

      await cache.waitForRevision(await store.setCapabilityEnabled(ALL_NODES, 'file.search', true), 2000);
      expect(providerIds(cache, 'file.search')).toEqual(['node-b']);
      await cache.waitForRevision(await store.setCapabilityEnabled('node-a', 'file.search', true), 2000);
      expect(providerIds(cache, 'file.search')).toEqual(['node-a', 'node-b']);
      expect(changes.changes).toHaveLength(4);
    });

    it('applies a * switch to nodes that join after it', async () => {
      const { cache } = await startCache();
      await store.setCapabilityEnabled(ALL_NODES, 'shell.exec', false);

      await store.join(manifest('node-a', [capability('shell.exec'), capability('file.search')]), TTL);
      await caughtUp(cache);

      expect(names(cache, true)).toEqual(['file.search', 'node-a.file.search']);
    });

    it('keeps draining nodes as providers marked draining, announcing a routing change but no list change', async () => {
      await store.join(manifest('node-a', [capability('file.search')]), TTL);
      await store.join(manifest('node-b', [capability('file.search'), capability('db.query')]), TTL);
      const { cache, changes } = await startCache();

      await store.drain('node-b');
      await caughtUp(cache);

      expect(cache.resolve('file.search')?.providers.map((p) => [p.nodeId, p.draining])).toEqual([['node-a', false], ['node-b', true]]);
      // Offered only by a draining node: still listed, and the router answers NODE_UNAVAILABLE.
      expect(cache.resolve('db.query')?.providers).toEqual([expect.objectContaining({ nodeId: 'node-b', draining: true })]);
      expect(names(cache)).toEqual(['db.query', 'file.search']);
      expect(changes.changes).toEqual([expect.objectContaining({
        toolsChanged: false, aliasesChanged: false, providersChanged: true,
        names: ['db.query', 'file.search', 'node-b.db.query', 'node-b.file.search'],
      })]);
      expect(cache.nodes().find((n) => n.nodeId === 'node-b')?.draining).toBe(true);
    });

    it('stays silent for changes readers cannot see: the catalog revision, an identical re-join', async () => {
      await store.join(manifest('node-a', [capability('file.search')]), TTL);
      const { cache, changes } = await startCache();
      const before = cache.tools();

      await store.setCatalogRevision(5);
      await store.join(manifest('node-a', [capability('file.search')]), TTL);
      await caughtUp(cache);

      expect(cache.catalogRevision).toBe(5);
      expect(changes.changes).toEqual([]);
      // Nothing visible changed, so readers keep the very same objects.
      expect(cache.tools()).toBe(before);
    });

    it('reports a new link address as a routing change only, and a new description as a list change', async () => {
      await store.join(manifest('node-a', [capability('file.search')]), TTL);
      const { cache, changes } = await startCache();

      await store.join(manifest('node-a', [capability('file.search')], { linkAddress: 'tcp://10.0.0.9:7600' }), TTL);
      await caughtUp(cache);
      await store.join(manifest('node-a', [capability('file.search', { description: 'searches faster' })]), TTL);
      await caughtUp(cache);

      expect(changes.changes.map((c) => [c.toolsChanged, c.aliasesChanged, c.providersChanged]))
        .toEqual([[false, false, true], [true, true, true]]);
      expect(cache.resolve('file.search')?.definition.description).toBe('searches faster');
    });

    it('lists two major versions once, with the highest major, and keeps the lower one resolvable', async () => {
      const v1 = { type: 'object', properties: { query: { type: 'string' } } };
      const v2 = { type: 'object', properties: { pattern: { type: 'string' } } };
      await store.join(manifest('node-old', [capability('file.search', { version: '1.4.0', inputSchema: v1 })]), TTL);
      await store.join(manifest('node-new', [capability('file.search', { version: '2.0.1', inputSchema: v2 })]), TTL);
      const { cache } = await startCache();

      const [tool] = cache.tools();
      expect(cache.tools()).toHaveLength(1);
      expect(tool?.definition.version).toBe('2.0.1');
      expect(tool?.providers.map((p) => p.nodeId)).toEqual(['node-new']);
      expect(tool?.versions.map((v) => [v.major, v.definition.version, v.providers.map((p) => p.nodeId)]))
        .toEqual([[2, '2.0.1', ['node-new']], [1, '1.4.0', ['node-old']]]);
      expect(cache.resolve('file.search')).toMatchObject({ major: 2, providers: [{ nodeId: 'node-new' }] });
      expect(cache.resolve('file.search', { major: 1 })).toMatchObject({
        major: 1, capabilityName: 'file.search', definition: { inputSchema: v1 }, providers: [{ nodeId: 'node-old' }],
      });
      expect(cache.resolve('file.search', { major: 3 })).toBeUndefined();
      expect(cache.resolve('node-old.file.search')).toMatchObject({ major: 1, definition: { version: '1.4.0' } });
    });

    it('lists the newest version within a major, whichever node offers it', async () => {
      await store.join(manifest('node-a', [capability('file.search', { version: '1.2.0', description: 'old words' })]), TTL);
      await store.join(manifest('node-b', [capability('file.search', { version: '1.10.0', description: 'new words' })]), TTL);
      await store.join(manifest('node-c', [capability('file.search', { version: '1.10.0-rc.1', description: 'beta words' })]), TTL);
      const { cache } = await startCache();

      expect(cache.resolve('file.search')?.definition.description).toBe('new words');
      expect(cache.resolve('file.search')?.providers.map((p) => p.version)).toEqual(['1.2.0', '1.10.0', '1.10.0-rc.1']);
    });

    it('returns frozen views that callers cannot corrupt', async () => {
      await store.join(manifest('node-a', [capability('file.search')]), TTL);
      const { cache } = await startCache();

      expect(() => (cache.tools() as unknown[]).push({})).toThrow(TypeError);
      expect(() => { (cache.resolve('file.search')?.providers[0] as { draining: boolean }).draining = true; }).toThrow(TypeError);
    });
  });

  describe('aliases', () => {
    it('lists every enabled capability of every node as <nodeId>.<name> with that one node', async () => {
      await store.join(manifest('node-a', [capability('file.search'), capability('db.query')]), TTL);
      await store.join(manifest('node-b', [capability('file.search')]), TTL);
      await store.setCapabilityEnabled('node-a', 'db.query', false);
      const { cache } = await startCache();

      expect(cache.aliases().map((t) => t.name)).toEqual(['node-a.file.search', 'node-b.file.search']);
      expect(cache.aliases()[1]).toMatchObject({
        kind: 'alias', capabilityName: 'file.search', nodeId: 'node-b', providers: [{ nodeId: 'node-b' }],
      });
      expect(names(cache, true)).toEqual(['file.search', 'node-a.file.search', 'node-b.file.search']);
    });
  });

  describe('resolve', () => {
    it('resolves federated names and aliases, and nothing else', async () => {
      await store.join(manifest('node-a', [capability('file.search')]), TTL);
      await store.join(manifest('node-b', [capability('file.search')]), TTL);
      const { cache } = await startCache();

      expect(cache.resolve('file.search')).toMatchObject({ kind: 'federated', capabilityName: 'file.search', providers: [{}, {}] });
      expect(cache.resolve('node-b.file.search')).toMatchObject({
        name: 'node-b.file.search', kind: 'alias', capabilityName: 'file.search', nodeId: 'node-b', providers: [{ nodeId: 'node-b' }],
      });
      expect(cache.resolve('node-z.file.search')).toBeUndefined();
      expect(cache.resolve('file.grep')).toBeUndefined();
      expect(cache.resolve('node-a.')).toBeUndefined();
      expect(cache.resolve('.file')).toBeUndefined();
    });

    it('lets a live node alias win over a capability literally named like it, and reports the collision', async () => {
      // Node "pi-1" and a capability "pi-1.x" (a valid name: its first segment may hold digits and dashes).
      await store.join(manifest('pi-2', [capability('pi-1.x', { description: 'the literal pi-1.x' })]), TTL);
      await store.join(manifest('pi-1', [capability('y')]), TTL);
      const { cache, changes } = await startCache();

      // pi-1 is live but offers no "x": the name is the federated capability.
      expect(cache.resolve('pi-1.x')).toMatchObject({ kind: 'federated', capabilityName: 'pi-1.x', providers: [{ nodeId: 'pi-2' }] });
      expect(cache.collisions()).toEqual([]);

      await store.join(manifest('pi-1', [capability('y'), capability('x', { description: "pi-1's x" })]), TTL);
      await caughtUp(cache);
      expect(cache.resolve('pi-1.x')).toMatchObject({ kind: 'alias', capabilityName: 'x', nodeId: 'pi-1' });
      expect(cache.tools().map((t) => t.name)).toEqual(['x', 'y']);
      expect(cache.tools({ includeAliases: true }).filter((t) => t.name === 'pi-1.x')).toEqual([expect.objectContaining({ kind: 'alias' })]);
      expect(cache.collisions()).toEqual([{ name: 'pi-1.x', aliasNodeId: 'pi-1', hiddenProviderIds: ['pi-2'] }]);
      // The name moved from the federated list to the alias list.
      expect(changes.changes.at(-1)).toMatchObject({ toolsChanged: true, aliasesChanged: true });
      // The hidden capability stays reachable through its own nodes' aliases.
      expect(cache.resolve('pi-2.pi-1.x')).toMatchObject({ kind: 'alias', capabilityName: 'pi-1.x', nodeId: 'pi-2' });

      // Disabling pi-1's "x" gives the name back to the capability.
      await cache.waitForRevision(await store.setCapabilityEnabled('pi-1', 'x', false), 2000);
      expect(cache.resolve('pi-1.x')).toMatchObject({ kind: 'federated', capabilityName: 'pi-1.x' });
      expect(cache.collisions()).toEqual([]);
      expect(changes.changes.at(-1)).toMatchObject({ toolsChanged: true, aliasesChanged: true, names: ['pi-1.x', 'x'] });
    });

    it('treats a name whose prefix is no live node as a federated name', async () => {
      await store.join(manifest('pi-2', [capability('pi-1.x')]), TTL);
      await store.join(manifest('pi-1', [capability('x')]), TTL);
      const { cache } = await startCache();
      expect(cache.resolve('pi-1.x')?.kind).toBe('alias');

      await store.leave('pi-1');
      await caughtUp(cache);

      expect(cache.resolve('pi-1.x')).toMatchObject({ kind: 'federated', providers: [{ nodeId: 'pi-2' }] });
      expect(names(cache)).toEqual(['pi-1.x']);
    });
  });

  describe('nodes', () => {
    it('shows each live node with all its capabilities, enabled or not, and why not', async () => {
      await store.join(manifest('node-b', [capability('db.query', { version: '2.1.0' })]), TTL);
      await store.join(manifest('node-a', [capability('shell.exec'), capability('file.search'), capability('db.query')]), TTL);
      await store.setCapabilityEnabled('node-a', 'file.search', false);
      await store.setCapabilityEnabled(ALL_NODES, 'shell.exec', false);
      await store.drain('node-a');
      const { cache } = await startCache();

      expect(cache.nodes()).toEqual([
        {
          nodeId: 'node-a', linkAddress: 'tcp://node-a.test:7600', labels: { tier: 'edge' }, joinedAt: expect.any(String), draining: true,
          capabilities: [
            { name: 'db.query', version: '1.0.0', major: 1, enabled: true },
            { name: 'file.search', version: '1.0.0', major: 1, enabled: false, disabledScope: 'node-a' },
            { name: 'shell.exec', version: '1.0.0', major: 1, enabled: false, disabledScope: '*' },
          ],
        },
        expect.objectContaining({ nodeId: 'node-b', draining: false, capabilities: [expect.objectContaining({ name: 'db.query', major: 2 })] }),
      ]);
    });
  });

  describe('waitForRevision', () => {
    it('resolves at once for an applied revision and times out, retryable, for one that never comes', async () => {
      const { cache } = await startCache();

      await expect(cache.waitForRevision(cache.revision, 10)).resolves.toBeUndefined();
      await expect(cache.waitForRevision(cache.revision + 5, 50)).rejects.toMatchObject({
        code: CatalogErrorCode.RevisionTimeout, retryable: true, message: expect.stringContaining(`revision ${cache.revision + 5}`),
      });
    });

    it('rejects waiters when the cache stops', async () => {
      const { cache } = await startCache();
      const waiting = cache.waitForRevision(cache.revision + 1, 5000);

      await cache.stop();

      await expect(waiting).rejects.toMatchObject({ code: CatalogErrorCode.Stopped });
    });
  });

  describe('onChange', () => {
    it('keeps notifying other listeners when one throws, logs the error, and stops after unsubscribe', async () => {
      const logger = { log: jest.fn(), warn: jest.fn(), error: jest.fn() };
      const { cache, changes } = await startCache(store, { logger });
      const seen: number[] = [];
      cache.onChange(() => { throw new Error('listener bug'); });
      const unsubscribe = cache.onChange((c) => seen.push(c.revision));

      const first = await store.join(manifest('node-a', [capability('file.search')]), TTL);
      await cache.waitForRevision(first.revision, 2000);
      unsubscribe();
      await store.join(manifest('node-b', [capability('file.search')]), TTL);
      await caughtUp(cache);

      expect(logger.error).toHaveBeenCalledWith(expect.stringContaining('listener bug'));
      expect(seen).toEqual([first.revision]);
      expect(changes.changes).toHaveLength(2);
    });
  });

  describe('resync', () => {
    it('takes a new snapshot after WATCH_COMPACTED, catching up on what the broken watch missed', async () => {
      const failing = new FailingWatchStore(store);
      await store.join(manifest('node-a', [capability('file.search')]), TTL);
      const { cache, changes } = await startCache(failing);
      failing.failSnapshots(new PimcpError(ErrorCode.StoreUnavailable, 'etcd is down'));

      await failing.breakWatch(new PimcpError(ErrorCode.WatchCompacted, 'compacted'));
      // Written while the cache has no watch: only the next snapshot can bring these.
      await store.leave('node-a');
      await store.join(manifest('node-b', [capability('db.query')]), TTL);

      const change = await changes.waitFor((c) => c.cause === 'resync', 'the resnapshot');
      expect(change).toMatchObject({
        toolsChanged: true, aliasesChanged: true, providersChanged: true,
        names: ['db.query', 'file.search', 'node-a.file.search', 'node-b.db.query'],
        revision: (await store.snapshot()).revision,
      });
      expect(names(cache, true)).toEqual(['db.query', 'node-b.db.query']);
      expect(cache.status()).toMatchObject({ phase: 'live', resyncs: 1, lastError: 'etcd is down' });
      expect(failing.snapshotCalls).toBe(3);

      // And the new watch works.
      await cache.waitForRevision(await store.setCapabilityEnabled(ALL_NODES, 'db.query', false), 2000);
      expect(names(cache)).toEqual([]);
    });

    it('retries a watch that cannot be reopened, and announces nothing when the state turns out unchanged', async () => {
      const failing = new FailingWatchStore(store);
      await store.join(manifest('node-a', [capability('file.search')]), TTL);
      const { cache, changes } = await startCache(failing);
      const before = cache.tools();
      failing.failWatches(new PimcpError(ErrorCode.StoreUnavailable, 'no stream'), new PimcpError(ErrorCode.StoreUnavailable, 'no stream'));

      await failing.breakWatch(new PimcpError(ErrorCode.StoreUnavailable, 'stream reset'));
      await pollUntil(() => cache.status().resyncs === 1, { description: 'the resync' });

      expect(failing.watchCalls).toBe(4);
      expect(failing.hasOpenWatch).toBe(true);
      expect(changes.changes).toEqual([]);
      expect(cache.tools()).toEqual(before);
    });

    it('stops retrying when the cache stops', async () => {
      const failing = new FailingWatchStore(store);
      const { cache } = await startCache(failing, { minResyncDelayMs: 20, maxResyncDelayMs: 20 });
      failing.failSnapshots(...Array.from({ length: 100 }, () => new PimcpError(ErrorCode.StoreUnavailable, 'etcd is down')));

      await failing.breakWatch(new PimcpError(ErrorCode.WatchCompacted, 'compacted'));
      await pollUntil(() => failing.snapshotCalls >= 3, { description: 'some failed resnapshots' });
      await cache.stop();
      const calls = failing.snapshotCalls;
      await new Promise((resolve) => setTimeout(resolve, 100));

      expect(failing.snapshotCalls).toBe(calls);
      expect(cache.status().phase).toBe('stopped');
      expect(failing.hasOpenWatch).toBe(false);
    });
  });

  describe('stop', () => {
    it('closes the watch and keeps answering from the last state', async () => {
      await store.join(manifest('node-a', [capability('file.search')]), TTL);
      const { cache, changes } = await startCache();

      await cache.stop();
      await store.leave('node-a');
      await new Promise((resolve) => setTimeout(resolve, 20));

      expect(changes.changes).toEqual([]);
      expect(names(cache)).toEqual(['file.search']);
    });
  });
});
