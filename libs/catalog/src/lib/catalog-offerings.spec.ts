import type { NodeManifest } from '@pimcp/protocol';
import { EmbeddedRegistryStore } from '@pimcp/registry-store';
import { capability, manifest } from '../test-support/catalog-manifest.fixture';
import { CatalogChangeRecorder } from '../test-support/catalog-change.recorder';
import { CatalogCache } from './catalog-cache.service';

const TTL = { ttlSeconds: 30 };

function withOfferings(nodeId: string, offerings: Partial<Pick<NodeManifest, 'resources' | 'resourceTemplates' | 'prompts'>>): NodeManifest {
  return { ...manifest(nodeId, [capability('system.info')]), ...offerings };
}

const appLog = { uri: 'pi://logs/app', name: 'app log', mimeType: 'text/plain' };
const sensor = { uriTemplate: 'pi://sensors/{name}', name: 'sensor' };
const summarize = { name: 'summarize', description: 'Summarize a log', arguments: [{ name: 'uri', required: true }] };

describe('CatalogCache: resources, resource templates and prompts (ADR 0008)', () => {
  let store: EmbeddedRegistryStore;
  let cache: CatalogCache;
  let changes: CatalogChangeRecorder;

  beforeEach(async () => {
    store = new EmbeddedRegistryStore();
    cache = new CatalogCache(store, { logger: { log: jest.fn(), warn: jest.fn(), error: jest.fn() } });
  });

  afterEach(async () => {
    changes?.close();
    await cache.stop();
    await store.close();
  });

  async function start(): Promise<void> {
    await cache.start();
    changes = new CatalogChangeRecorder(cache);
  }

  it('lists each URI, template and prompt once across nodes, served by every node offering it, sorted', async () => {
    await store.join(withOfferings('node-b', { resources: [appLog], prompts: [summarize] }), TTL);
    await store.join(withOfferings('node-a', { resources: [appLog, { uri: 'pi://a/only', name: 'a only' }], resourceTemplates: [sensor] }), TTL);
    await start();

    expect(cache.resources().map((r) => r.definition.uri)).toEqual(['pi://a/only', 'pi://logs/app']);
    expect(cache.resource('pi://logs/app')?.providers.map((p) => p.nodeId)).toEqual(['node-a', 'node-b']);
    expect(cache.resourceTemplates().map((t) => t.definition.uriTemplate)).toEqual(['pi://sensors/{name}']);
    expect(cache.prompt('summarize')?.definition).toEqual(summarize);
    expect(cache.prompt('summarize')?.providers.map((p) => p.nodeId)).toEqual(['node-b']);
  });

  it('announces resourcesChanged and promptsChanged when a node with offerings joins and leaves', async () => {
    await start();
    const joined = await store.join(withOfferings('node-a', { resources: [appLog], prompts: [summarize] }), TTL);
    await cache.waitForRevision(joined.revision, 2000);
    expect(await changes.waitFor((c) => c.resourcesChanged && c.promptsChanged, 'offerings joined')).toBeDefined();
    changes.clear();

    await store.leave('node-a');
    await changes.waitFor((c) => c.resourcesChanged && c.promptsChanged, 'offerings left');
    expect(cache.resources()).toEqual([]);
    expect(cache.prompt('summarize')).toBeUndefined();
  });

  it('does not announce offering changes for a tool-only node, and marks drained providers', async () => {
    await store.join(withOfferings('node-a', { resources: [appLog] }), TTL);
    await start();
    const joined = await store.join(manifest('node-c', [capability('db.query')]), TTL);
    await cache.waitForRevision(joined.revision, 2000);
    await changes.waitFor((c) => c.toolsChanged, 'tool-only node joined');
    expect(changes.changes.some((c) => c.resourcesChanged || c.promptsChanged)).toBe(false);
    changes.clear();

    await store.drain('node-a');
    await changes.waitFor((c) => c.providersChanged && !c.resourcesChanged, 'drain seen as a provider change only');
    expect(cache.resource('pi://logs/app')?.providers[0]?.draining).toBe(true);
  });
});

describe('CatalogCache: operators\' routing policies', () => {
  it('loads them with the snapshot and announces each change', async () => {
    const store = new EmbeddedRegistryStore();
    await store.setRoutingPolicy('*', { spread: true });
    const cache = new CatalogCache(store, { logger: { log: jest.fn(), warn: jest.fn(), error: jest.fn() } });
    await cache.start();
    const changes = new CatalogChangeRecorder(cache);
    try {
      expect([...cache.routingPolicies().keys()]).toEqual(['*']);
      await store.setRoutingPolicy('file.search', { pin: 'pi-7' });
      await changes.waitFor((c) => c.routingPoliciesChanged, 'the new policy');
      expect(cache.routingPolicies().get('file.search')?.policy).toEqual({ pin: 'pi-7' });
    } finally {
      changes.close();
      await cache.stop();
      await store.close();
    }
  });
});

describe('CatalogCache: operators\' tool sets', () => {
  it('loads them with the snapshot and announces each change, and only that change', async () => {
    const store = new EmbeddedRegistryStore();
    await store.putToolSet('ops', ['shell.*']);
    const cache = new CatalogCache(store, { logger: { log: jest.fn(), warn: jest.fn(), error: jest.fn() } });
    await cache.start();
    const changes = new CatalogChangeRecorder(cache);
    try {
      expect(cache.toolSets().get('ops')?.patterns).toEqual(['shell.*']);
      await store.putToolSet('analyst', ['file.search']);
      const added = await changes.waitFor((c) => c.toolSetsChanged, 'the new set');
      expect(added).toMatchObject({ toolsChanged: false, routingPoliciesChanged: false });
      expect([...cache.toolSets().keys()].sort()).toEqual(['analyst', 'ops']);
      await store.deleteToolSet('ops');
      await changes.waitFor((c) => c.toolSetsChanged && !cache.toolSets().has('ops'), 'the removal');
      expect([...cache.toolSets().keys()]).toEqual(['analyst']);
    } finally {
      changes.close();
      await cache.stop();
      await store.close();
    }
  });
});
