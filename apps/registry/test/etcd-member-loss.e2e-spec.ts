import { NodeMembership, RegistryClient } from '@pimcp/registry-client';
import { bootstrapRegistry, registryConfig, type RunningRegistry } from '@pimcp/registry-server';
import { EtcdCluster, pollUntil } from '@pimcp/testing';
import { AdminHttpClient } from './admin-http.client';
import { nodeManifest } from './node-manifest.fixture';

const TTL_SECONDS = 2;

describe('registry on a 3-member etcd cluster (e2e)', () => {
  let cluster: EtcdCluster;
  let registry: RunningRegistry;
  let client: RegistryClient;

  beforeAll(async () => {
    cluster = await EtcdCluster.start(3);
    const config = registryConfig.load({
      env: {
        PIMCP_ETCD_HOSTS: cluster.clientUrls.join(','),
        PIMCP_REGISTRY_HTTP_PORT: '0',
        PIMCP_REGISTRY_LINK_PORT: '0',
        PIMCP_REGISTRY_LEASE_TTL_SECONDS: String(TTL_SECONDS),
      },
    });
    registry = await bootstrapRegistry({ config, logger: false });
    client = new RegistryClient({ ...registry.link });
  });

  afterAll(async () => {
    client?.close();
    await registry?.close();
    await cluster?.stop();
  });

  it('keeps admitting nodes and renewing leases after one etcd member is killed', async () => {
    const admin = new AdminHttpClient(registry.httpUrl);
    const membership = new NodeMembership(client, () => nodeManifest('pi-steady') as never);
    await membership.start();

    await cluster.killMember(0);

    // New joins go through on the surviving quorum (the client may need a moment to fail over).
    await pollUntil(async () => client.join(nodeManifest('pi-after-loss')).then(() => true, () => false), {
      timeoutMs: 15_000, intervalMs: 200, description: 'a join after losing a member',
    });
    // The heartbeating node outlives several TTLs while a member is down.
    await new Promise((r) => setTimeout(r, 3 * TTL_SECONDS * 1000));
    const nodes = (await admin.catalog()).nodes.map((n) => n.nodeId);
    expect(nodes).toContain('pi-steady');
    await membership.stop();
  });
});
