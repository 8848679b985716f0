import { validateNodeManifest } from '@pimcp/protocol';
import { EmbeddedRegistryStore } from '@pimcp/registry-store';
import { Housekeeper } from './housekeeper';

const manifest = (nodeId: string) => validateNodeManifest({
  nodeId, labels: {}, linkAddress: 'tcp://127.0.0.1:1',
  capabilities: [{ name: 'system.info', description: 'facts', inputSchema: { type: 'object' }, version: '1.0.0', costClass: 'light' }],
});

async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('condition not met within 2 s');
}

describe(Housekeeper.name, () => {
  let store: EmbeddedRegistryStore;
  let housekeeper: Housekeeper;

  beforeEach(() => {
    store = new EmbeddedRegistryStore();
    housekeeper = new Housekeeper(store, 20);
  });

  afterEach(async () => {
    await housekeeper.stop();
    await store.close();
  });

  describe('start', () => {
    it('bumps the catalog revision once for a burst of catalog changes', async () => {
      await housekeeper.start();
      await store.join(manifest('pi-a'), { ttlSeconds: 30 });
      await store.join(manifest('pi-b'), { ttlSeconds: 30 });
      await eventually(async () => (await store.snapshot()).catalogRevision === 1);
      await new Promise((r) => setTimeout(r, 120));
      expect((await store.snapshot()).catalogRevision).toBe(1);
      await store.setCapabilityEnabled('*', 'system.info', false);
      await eventually(async () => (await store.snapshot()).catalogRevision === 2);
    });

    it('removes the drain mark of a node that has left', async () => {
      await store.join(manifest('pi-gone'), { ttlSeconds: 30 });
      await store.drain('pi-gone');
      await store.leave('pi-gone');
      await housekeeper.start();
      await eventually(async () => (await store.snapshot()).drained.length === 0);
    });
  });

  describe('stop', () => {
    it('stops counting catalog changes', async () => {
      await housekeeper.start();
      await housekeeper.stop();
      await store.join(manifest('pi-late'), { ttlSeconds: 30 });
      await new Promise((r) => setTimeout(r, 120));
      expect((await store.snapshot()).catalogRevision).toBe(0);
    });
  });
});
