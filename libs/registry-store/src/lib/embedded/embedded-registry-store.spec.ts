import { ErrorCode } from '@pimcp/protocol';
import { contractCapability, contractManifest } from '../contract/contract-manifest.fixture';
import { describeRegistryStoreContract } from '../contract/registry-store.contract';
import { RegistryEventCollector } from '../contract/registry-event.collector';
import { EmbeddedRegistryStore } from './embedded-registry-store.adapter';

describeRegistryStoreContract(EmbeddedRegistryStore.name, async () => {
  const store = new EmbeddedRegistryStore();
  return { store, cleanup: () => store.close() };
}, { leaseTtlSeconds: 1 });

describe(EmbeddedRegistryStore.name, () => {
  describe('watch', () => {
    it('reports WATCH_COMPACTED for a revision older than the retained event log, and replays what it still has', async () => {
      const store = new EmbeddedRegistryStore({ eventLogLimit: 4 });
      const first = await store.setCapabilityEnabled('node-a', 'a.one', false);
      for (const name of ['a.two', 'a.three', 'a.four', 'a.five']) await store.setCapabilityEnabled('node-a', name, false);

      const stale = await RegistryEventCollector.start(store, first - 1);
      const recent = await RegistryEventCollector.start(store, first);

      expect(await stale.waitForError()).toMatchObject({ code: ErrorCode.WatchCompacted });
      await recent.waitFor((e) => e.kind === 'disabled' && e.name === 'a.five', 'the last disable');
      expect(recent.events.map((e) => ('name' in e ? e.name : ''))).toEqual(['a.two', 'a.three', 'a.four', 'a.five']);
      await store.close();
    });

    it('delivers asynchronously, never inside the write that caused the event', async () => {
      const store = new EmbeddedRegistryStore();
      const collector = await RegistryEventCollector.start(store, 0);

      await store.join(contractManifest('node-a', [contractCapability('file.search')]), { ttlSeconds: 30 });

      expect(collector.events).toEqual([]);
      await collector.waitFor((e) => e.kind === 'node', 'the join');
      await store.close();
    });
  });
});
