import { EmbeddedLeaderElector } from './embedded/embedded-leader-elector.adapter';
import { EmbeddedRegistryStore } from './embedded/embedded-registry-store.adapter';
import { EtcdLeaderElector } from './etcd/etcd-leader-elector.adapter';
import { EtcdRegistryStore } from './etcd/etcd-registry-store.adapter';
import { createLeaderElector, createRegistryStore } from './registry-store.factory';

describe(createRegistryStore.name, () => {
  it('returns the embedded store when no etcd hosts are configured', async () => {
    const store = createRegistryStore({ etcdHosts: [] });

    expect(store).toBeInstanceOf(EmbeddedRegistryStore);
    await store.close();
  });

  it('returns the etcd store, not yet connected, when etcd hosts are configured', async () => {
    const store = createRegistryStore({ etcdHosts: ['http://127.0.0.1:2379'] });

    expect(store).toBeInstanceOf(EtcdRegistryStore);
    await store.close();
  });
});

describe(createLeaderElector.name, () => {
  it('picks the elector the same way', () => {
    expect(createLeaderElector({ service: 'registry' })).toBeInstanceOf(EmbeddedLeaderElector);
    expect(createLeaderElector({ service: 'registry', etcdHosts: ['http://127.0.0.1:2379'] })).toBeInstanceOf(EtcdLeaderElector);
  });
});
