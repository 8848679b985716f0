import { ErrorCode, PimcpError } from '@pimcp/protocol';
import { NodeMembership, RegistryClient } from '@pimcp/registry-client';
import { bootstrapRegistry, registryConfig, type RunningRegistry } from '@pimcp/registry-server';
import { EtcdProcess, pollUntil } from '@pimcp/testing';
import { AdminHttpClient } from './admin-http.client';
import { capability, nodeManifest } from './node-manifest.fixture';

const TTL_SECONDS = 2;

describe('registry (e2e, real etcd)', () => {
  let etcd: EtcdProcess;
  let registry: RunningRegistry;
  let admin: AdminHttpClient;
  let client: RegistryClient;

  beforeAll(async () => {
    etcd = await EtcdProcess.start();
    const config = registryConfig.load({
      env: {
        PIMCP_ETCD_HOSTS: etcd.clientUrl,
        PIMCP_REGISTRY_HTTP_PORT: '0',
        PIMCP_REGISTRY_LINK_PORT: '0',
        PIMCP_REGISTRY_LEASE_TTL_SECONDS: String(TTL_SECONDS),
        PIMCP_REGISTRY_ELECTION_TTL_SECONDS: '2',
      },
    });
    registry = await bootstrapRegistry({ config, logger: false });
    admin = new AdminHttpClient(registry.httpUrl);
    client = new RegistryClient({ ...registry.link, requestTimeoutMs: 5000 });
  });

  afterAll(async () => {
    client?.close();
    await registry?.close();
    await etcd?.stop();
  });

  async function nodeIds(): Promise<string[]> {
    return (await admin.catalog()).nodes.map((n) => n.nodeId).sort();
  }

  /** The catalog without its revisions, which housekeeping may advance at any time. */
  async function catalogContent() {
    const { nodes, capabilities, disabled, drained } = await admin.catalog();
    return { nodes, capabilities, disabled, drained };
  }

  async function rejection(promise: Promise<unknown>): Promise<PimcpError> {
    const err = await promise.then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(PimcpError);
    return err as PimcpError;
  }

  it('admits a node over the link and shows it with its capabilities in the catalog', async () => {
    const reply = await client.join(nodeManifest('pi-a'));
    expect(reply).toMatchObject({ nodeId: 'pi-a', ttlSeconds: TTL_SECONDS, heartbeatIntervalMs: Math.floor((TTL_SECONDS * 1000) / 3) });
    const catalog = await admin.catalog();
    expect(catalog.nodes.find((n) => n.nodeId === 'pi-a')?.labels).toEqual({ tier: 'edge', region: 'tokyo', arch: 'arm64' });
    expect(catalog.capabilities.filter((c) => c.nodeId === 'pi-a').map((c) => c.definition.name).sort()).toEqual(['file.search', 'system.info']);
    await client.leave('pi-a');
  });

  it('removes a node at once when it leaves cleanly', async () => {
    await client.join(nodeManifest('pi-leaver'));
    await client.leave('pi-leaver');
    expect(await nodeIds()).not.toContain('pi-leaver');
    expect((await admin.catalog()).capabilities.some((c) => c.nodeId === 'pi-leaver')).toBe(false);
  });

  it('drops a node whose heartbeats stop, after the lease TTL, and keeps one that heartbeats', async () => {
    const membership = new NodeMembership(client, () => nodeManifest('pi-alive') as never);
    await membership.start();
    await client.join(nodeManifest('pi-silent'));
    const joinedAt = Date.now();
    await pollUntil(async () => !(await nodeIds()).includes('pi-silent'), { timeoutMs: 10_000, intervalMs: 100, description: 'silent node to expire' });
    const goneAfterMs = Date.now() - joinedAt;
    expect(goneAfterMs).toBeGreaterThanOrEqual(TTL_SECONDS * 1000 - 500);
    // The heartbeating node has outlived two TTLs by now and is still there.
    await new Promise((r) => setTimeout(r, TTL_SECONDS * 1000));
    expect(await nodeIds()).toContain('pi-alive');
    await membership.stop();
    expect(await nodeIds()).not.toContain('pi-alive');
  });

  it('answers a heartbeat from an expired or unknown node with NODE_UNKNOWN', async () => {
    expect((await rejection(client.heartbeat('pi-never-joined'))).code).toBe(ErrorCode.NodeUnknown);
  });

  describe('bad manifests', () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['missing fields', { nodeId: 'pi-bad', capabilities: [{}] }, 'linkAddress'],
      ['wrong types', nodeManifest('pi-bad', { labels: 'edge', capabilities: [capability('a.b', { costClass: 3 })] }), 'capabilities[0].costClass'],
      ['an oversize description', nodeManifest('pi-bad', { capabilities: [capability('a.b', { description: 'x'.repeat(5000) })] }), 'capabilities[0].description'],
      ['an invalid JSON Schema', nodeManifest('pi-bad', { capabilities: [capability('a.b', { inputSchema: { type: 'object', required: 'q' } })] }), 'capabilities[0].inputSchema'],
      ['duplicate capability names', nodeManifest('pi-bad', { capabilities: [capability('a.b'), capability('a.b')] }), 'capabilities[1].name'],
    ];

    it.each(cases)('rejects %s with INVALID_MANIFEST naming the field, and writes nothing', async (_label, manifest, path) => {
      const before = await catalogContent();
      const err = await rejection(client.join(manifest));
      expect(err.code).toBe(ErrorCode.InvalidManifest);
      expect(err.problems.map((p) => p.path)).toContain(path);
      expect(await catalogContent()).toEqual(before);
    });

    it('rejects a body that is not an object', async () => {
      expect((await rejection(client.join('hello' as never))).code).toBe(ErrorCode.InvalidManifest);
    });

    it('rejects a heartbeat without a valid node id', async () => {
      const err = await rejection(client.heartbeat('Not A Node!'));
      expect(err.code).toBe(ErrorCode.InvalidRequest);
      expect(err.message).toContain('nodeId');
    });
  });

  it('refuses a conflicting schema for the same capability and major version, naming the holder', async () => {
    await client.join(nodeManifest('pi-holder'));
    const before = await catalogContent();
    const conflicting = nodeManifest('pi-rival', {
      capabilities: [capability('file.search', { inputSchema: { type: 'object', properties: { query: { type: 'number' } } } })],
    });
    const err = await rejection(client.join(conflicting));
    expect(err.code).toBe(ErrorCode.CapabilityConflict);
    expect(err.message).toContain('pi-holder');
    expect(await catalogContent()).toEqual(before);
    // A new major version is a new contract and coexists.
    const bumped = nodeManifest('pi-rival', {
      capabilities: [capability('file.search', { version: '2.0.0', inputSchema: { type: 'object', properties: { query: { type: 'number' } } } })],
    });
    await client.join(bumped);
    expect(await nodeIds()).toEqual(expect.arrayContaining(['pi-holder', 'pi-rival']));
    await client.leave('pi-holder');
    await client.leave('pi-rival');
  });

  describe('admin API', () => {
    beforeAll(async () => {
      await client.join(nodeManifest('pi-admin'));
    });

    it('disables a capability on one node and enables it again', async () => {
      const off = await admin.request('POST', '/v1/capabilities/file.search/disable', { node: 'pi-admin' });
      expect(off).toMatchObject({ status: 200, body: { name: 'file.search', scope: 'pi-admin', enabled: false } });
      expect((await admin.catalog()).disabled).toEqual([expect.objectContaining({ scope: 'pi-admin', name: 'file.search' })]);
      const on = await admin.request('POST', '/v1/capabilities/file.search/enable', { node: 'pi-admin' });
      expect(on.status).toBe(200);
      expect((await admin.catalog()).disabled).toEqual([]);
    });

    it('disables a capability everywhere', async () => {
      await admin.request('POST', '/v1/capabilities/system.info/disable', {});
      expect((await admin.catalog()).disabled).toEqual([expect.objectContaining({ scope: '*', name: 'system.info' })]);
      await admin.request('POST', '/v1/capabilities/system.info/enable', {});
    });

    it('drains a node, which the node learns on its next heartbeat', async () => {
      expect((await client.heartbeat('pi-admin')).draining).toBe(false);
      expect((await admin.request('POST', '/v1/nodes/pi-admin/drain')).status).toBe(200);
      expect((await client.heartbeat('pi-admin')).draining).toBe(true);
      expect((await admin.catalog()).drained.map((d) => d.nodeId)).toContain('pi-admin');
    });

    it('answers bad admin input with a clear 4xx', async () => {
      const badName = await admin.request('POST', '/v1/capabilities/Bad%20Name/disable', {});
      expect(badName).toMatchObject({ status: 400, body: { code: ErrorCode.InvalidRequest } });
      expect(String(badName.body['message'])).toContain('file.search');
      const badNode = await admin.request('POST', '/v1/capabilities/file.search/disable', { node: 'No Such!' });
      expect(badNode.status).toBe(400);
      const unknownNode = await admin.request('POST', '/v1/nodes/pi-nobody/drain');
      expect(unknownNode).toMatchObject({ status: 404, body: { code: ErrorCode.NodeUnknown } });
      const badJson = await admin.request('POST', '/v1/capabilities/file.search/disable', undefined, '{"node":');
      expect(badJson.status).toBe(400);
      const extraField = await admin.request('POST', '/v1/capabilities/file.search/disable', { nodes: 'pi-admin' });
      expect(extraField.status).toBe(400);
      expect((await admin.catalog()).disabled).toEqual([]);
    });
  });

  it('reports itself as leader when it is the only replica', async () => {
    await pollUntil(async () => (await admin.request('GET', '/v1/leader')).body['isLeader'] === true, { timeoutMs: 10_000, description: 'registry to lead' });
  });
});
