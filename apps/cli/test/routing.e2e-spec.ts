import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, ProtocolError, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { EtcdProcess, pollUntil, RedisProcess } from '@pimcp/testing';
import { SpawnedProcess } from './spawned-process';

const EDGE = ['edge-1', 'edge-2', 'edge-3'];
const CLOUD = ['cloud-1', 'cloud-2'];

describe('routing (e2e): 3 edge and 2 cloud nodes as processes, over real etcd and Redis', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'pimcp-routing-'));
  let etcd: EtcdProcess;
  let redis: RedisProcess;
  let up: SpawnedProcess;
  let client: Client;
  let registryLink: string;
  let adminUrl: string;
  const nodes = new Map<string, SpawnedProcess>();

  function startNode(nodeId: string, labels: string, delayMs: number): SpawnedProcess {
    const node = SpawnedProcess.start('edge-node', [], {
      env: {
        PIMCP_NODE_ID: nodeId, PIMCP_NODE_LABELS: labels, PIMCP_REGISTRY_URL: registryLink, PIMCP_NODE_PLUGINS: 'routing-fixtures',
        PIMCP_NODE_PLUGIN_CONFIG: JSON.stringify({ 'routing-fixtures': { delayMs } }), PIMCP_NODE_SHUTDOWN_GRACE_MS: '1000',
        // Small boards: four calls at once each, so load decides where the fifth goes.
        PIMCP_NODE_MAX_CONCURRENT_CALLS: '4',
        PIMCP_NODE_INVOCATION_KEYS_FILE: join(cwd, '.pimcp/dev-invocation-key.pub.pem'),
      },
    });
    nodes.set(nodeId, node);
    return node;
  }

  beforeAll(async () => {
    [etcd, redis] = await Promise.all([EtcdProcess.start(), RedisProcess.start()]);
    up = SpawnedProcess.start('cli', ['up', '--etcd', etcd.clientUrl, '--redis', redis.url, '--nodes', '0', '--lease-ttl', '2'], {
      cwd,
      env: {
        PIMCP_GATEWAY_PORT: '0', PIMCP_REGISTRY_HTTP_PORT: '0', PIMCP_REGISTRY_LINK_PORT: '0', PIMCP_CONTEXT_SYNC_HTTP_PORT: '0',
        // One test subject sends thousands of calls a minute here: the per-subject budget is not what this suite tests.
        PIMCP_GATEWAY_RATE_LIMIT_REQUESTS: '0',
        // A node out of rotation gets one probe call a second (read-only or idempotent, so retried if it fails).
        PIMCP_GATEWAY_BREAKER_HALF_OPEN_MS: '1000',
      },
    });
    const mcpUrl = await up.waitFor(/MCP endpoint: +(\S+)/);
    registryLink = await up.waitFor(/node link: +(\S+)/);
    adminUrl = (await up.waitFor(/registry admin API: +(\S+)/)).replace(/\/v1\/catalog$/, '');
    startNode('edge-1', 'tier=edge,region=tokyo', 20);
    startNode('edge-2', 'tier=edge,region=osaka', 20);
    startNode('edge-3', 'tier=edge,region=osaka', 300); // the slow one
    startNode('cloud-1', 'tier=cloud', 20);
    startNode('cloud-2', 'tier=cloud,gpu=true', 20);
    const token = readFileSync(join(cwd, '.pimcp/dev-token'), 'utf8').trim();
    client = new Client({ name: 'routing-e2e', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    await pollUntil(async () => {
      const names = (await client.listTools()).tools.map((t) => t.name);
      return [...EDGE, ...CLOUD].every((id) => names.includes(`${id}.work.read`)) || undefined;
    }, { timeoutMs: 30_000, description: 'all five nodes to join' });
  }, 90_000);

  afterAll(async () => {
    await client?.close().catch(() => undefined);
    await Promise.all([...nodes.values()].map((n) => n.stop()));
    await up?.stop();
    await Promise.all([etcd?.stop(), redis?.stop()]);
  });

  const ranOn = (result: { _meta?: Record<string, unknown> }) => String(result._meta?.['io.pimcp/node']);
  const routeOf = (result: { _meta?: Record<string, unknown> }) => String(result._meta?.['io.pimcp/route']);

  async function callMany(count: number, concurrency: number, call: (i: number) => Promise<{ _meta?: Record<string, unknown> }>) {
    const byNode = new Map<string, number>();
    const failures: unknown[] = [];
    let next = 0;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        try {
          const node = ranOn(await call(i));
          byNode.set(node, (byNode.get(node) ?? 0) + 1);
        } catch (error) {
          failures.push(error);
        }
      }
    }));
    return { byNode, failures };
  }

  it('sends a heavy capability to the cloud, a light one to the edge, and offloads the light one when its input is large', async () => {
    for (let i = 0; i < 4; i++) {
      const compressed = await client.callTool({ name: 'work.compress', arguments: { data: 'pimcp '.repeat(20_000) } });
      expect(CLOUD).toContain(ranOn(compressed));
      expect((compressed.structuredContent as { outputBytes: number }).outputBytes).toBeLessThan(120_000 / 10);
    }
    const small = await client.callTool({ name: 'work.hash', arguments: { data: 'a small input' } });
    expect(EDGE).toContain(ranOn(small));
    // Above PIMCP_GATEWAY_OFFLOAD_INPUT_BYTES (256 KiB): real hashing of 400 kB, sent to a cloud node.
    const large = await client.callTool({ name: 'work.hash', arguments: { data: 'x'.repeat(400_000) } });
    expect(CLOUD).toContain(ranOn(large));
    expect(routeOf(large)).toBe('offload-input-size');
    expect((large.structuredContent as { inputBytes: number }).inputBytes).toBe(400_000);
  });

  it('honours selectors in _meta and names what matched nothing', async () => {
    const tokyo = await client.callTool({ name: 'work.read', arguments: {}, _meta: { 'io.pimcp/target': 'region=tokyo' } });
    expect(ranOn(tokyo)).toBe('edge-1');
    expect(ranOn(await client.callTool({ name: 'work.read', arguments: {}, _meta: { 'io.pimcp/target': 'gpu=true' } }))).toBe('cloud-2');
    const byId = await client.callTool({ name: 'work.read', arguments: {}, _meta: { 'io.pimcp/target': 'cloud-1' } });
    expect(ranOn(byId)).toBe('cloud-1');
    expect(routeOf(byId)).toBe('target');
    const impossible = await client.callTool({ name: 'work.read', arguments: {}, _meta: { 'io.pimcp/target': 'region=mars' } }).then(() => undefined, (e: unknown) => e);
    expect(impossible).toBeInstanceOf(ProtocolError);
    expect((impossible as ProtocolError).code).toBe(-32602);
    expect((impossible as Error).message).toContain('region=mars');
  });

  it('spreads concurrent calls by load and sends a slow node less traffic', async () => {
    const { byNode, failures } = await callMany(90, 9, () => client.callTool({ name: 'work.read', arguments: {}, _meta: { 'io.pimcp/target': 'tier=edge' } }));
    expect(failures).toEqual([]);
    const spread = Object.fromEntries(byNode);
    const fast = Math.min(byNode.get('edge-1') ?? 0, byNode.get('edge-2') ?? 0);
    expect({ spread, fast }).toMatchObject({ fast: expect.any(Number) });
    expect(fast).toBeGreaterThan(10);
    expect(byNode.get('edge-3') ?? 0).toBeLessThan(fast);
  });

  it('trips the breaker of a flapping node without failing a read-only call, and lets it back after a good probe', async () => {
    const readsOn = async (nodeId: string) => ((await client.callTool({ name: `${nodeId}.work.counts`, arguments: {} })).structuredContent as { read: number }).read;
    // Healthy traffic first: the retry budget is earned by successful calls (10% of them) and time.
    expect((await callMany(100, 4, () => client.callTool({ name: 'work.read', arguments: {}, _meta: { 'io.pimcp/target': 'region in (tokyo,osaka)' } }))).failures).toEqual([]);
    await client.callTool({ name: 'edge-1.work.flap', arguments: { failing: true } });
    const flapping = await callMany(40, 4, () => client.callTool({ name: 'work.read', arguments: {}, _meta: { 'io.pimcp/target': 'region in (tokyo,osaka)' } }));
    expect(flapping.failures).toEqual([]); // each failed attempt on edge-1 was retried on another node
    expect(flapping.byNode.get('edge-1') ?? 0).toBe(0);
    // The whole node is out: even its alias is refused while the circuit is open.
    await expect(client.callTool({ name: 'edge-1.work.flap', arguments: { failing: false } })).rejects.toThrow(/circuit open/);
    await new Promise((r) => setTimeout(r, 1500)); // past PIMCP_GATEWAY_BREAKER_HALF_OPEN_MS: one probe call is let through
    await client.callTool({ name: 'edge-1.work.flap', arguments: { failing: false } }); // idempotent: the probe, and it succeeds
    const before = await readsOn('edge-1');
    const recovered = await callMany(40, 4, () => client.callTool({ name: 'work.read', arguments: {}, _meta: { 'io.pimcp/target': 'region in (tokyo,osaka)' } }));
    expect(recovered.failures).toEqual([]);
    expect(recovered.byNode.get('edge-1') ?? 0).toBeGreaterThan(0);
    expect(await readsOn('edge-1')).toBeGreaterThan(before);
  });

  it('follows a routing policy an operator sets through the registry\'s admin API, and drops it when removed', async () => {
    const put = await fetch(`${adminUrl}/v1/routing-policies/work.hash`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pin: 'cloud-2' }) });
    expect(put.status).toBe(200);
    await pollUntil(async () => ranOn(await client.callTool({ name: 'work.hash', arguments: { data: 'x' } })) === 'cloud-2' || undefined, {
      timeoutMs: 5_000, description: 'the gateway to follow the pinned policy',
    });
    for (let i = 0; i < 5; i++) {
      const pinned = await client.callTool({ name: 'work.hash', arguments: { data: `x${i}` } });
      expect([ranOn(pinned), routeOf(pinned)]).toEqual(['cloud-2', 'pin']);
    }
    expect((await fetch(`${adminUrl}/v1/routing-policies/work.hash`, { method: 'DELETE' })).status).toBe(200);
    await pollUntil(async () => EDGE.includes(ranOn(await client.callTool({ name: 'work.hash', arguments: { data: 'small' } }))) || undefined, {
      timeoutMs: 5_000, description: 'light work.hash back on the edge',
    });
  });

  it('fans one call out to all five nodes through _meta, with one result per node', async () => {
    const result = await client.callTool({ name: 'work.read', arguments: {}, _meta: { 'io.pimcp/fanout': 'tier in (edge,cloud)' } });
    const outcome = result.structuredContent as { nodes: number; results: Array<{ nodeId: string }>; failures: unknown[] };
    expect(outcome.nodes).toBe(5);
    expect(outcome.results.map((r) => r.nodeId)).toEqual([...CLOUD, ...EDGE].sort());
    expect(outcome.failures).toEqual([]);
  });

  it('returns four results and one named failure within the deadline when a node dies during cluster.map', async () => {
    const slow = nodes.get('edge-3') as SpawnedProcess; // 300 ms per call: still running when killed
    const started = Date.now();
    const call = client.callTool({ name: 'cluster.map', arguments: { tool: 'work.read', selector: 'tier in (edge,cloud)', timeoutMs: 10_000 } });
    setTimeout(() => slow.kill('SIGKILL'), 100);
    const result = await call;
    const outcome = result.structuredContent as { results: Array<{ nodeId: string }>; failures: Array<{ nodeId: string; message: string }> };
    expect(outcome.results.map((r) => r.nodeId)).toEqual(['cloud-1', 'cloud-2', 'edge-1', 'edge-2']);
    expect(outcome.failures).toEqual([expect.objectContaining({ nodeId: 'edge-3', message: expect.stringContaining('edge-3') })]);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('loses no read-only call when a node is killed in the middle of 1,000 of them', async () => {
    const victim = nodes.get('edge-2') as SpawnedProcess;
    const { byNode, failures } = await callMany(1000, 10, async (i) => {
      if (i === 300) victim.kill('SIGKILL');
      return client.callTool({ name: 'work.read', arguments: {}, _meta: { 'io.pimcp/target': 'tier in (edge,cloud)' } });
    });
    expect(failures).toEqual([]);
    expect([...byNode.values()].reduce((a, b) => a + b, 0)).toBe(1000);
    expect(byNode.get('edge-2') ?? 0).toBeGreaterThan(0); // it did take calls before it died
  }, 120_000);

  it('fails a call with side effects on a killed node with a clear error, and does not run it elsewhere', async () => {
    const a = startNode('victim-a', 'tier=edge,role=victim', 10_000);
    const b = startNode('victim-b', 'tier=edge,role=victim', 10_000);
    await pollUntil(async () => {
      const names = (await client.listTools()).tools.map((t) => t.name);
      return (names.includes('victim-a.work.append') && names.includes('victim-b.work.append')) || undefined;
    }, { timeoutMs: 20_000, description: 'the victims to join' });
    const call = client.callTool({ name: 'work.append', arguments: {}, _meta: { 'io.pimcp/target': 'role=victim' } }, { timeout: 60_000 })
      .then(() => undefined, (e: unknown) => e);
    const started = await pollUntil(() => (/work\.append started on victim-a/.test(a.output) ? 'victim-a' : /work\.append started on victim-b/.test(b.output) ? 'victim-b' : undefined),
      { timeoutMs: 10_000, description: 'work.append to start on a victim' });
    const survivor = started === 'victim-a' ? 'victim-b' : 'victim-a';
    (started === 'victim-a' ? a : b).kill('SIGKILL');
    const err = await call;
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as Error).message).toContain(started);
    expect((err as ProtocolError).data).toMatchObject({ failure: 'outcome-unknown', nodeIds: [started] });
    const counts = await client.callTool({ name: `${survivor}.work.counts`, arguments: {} });
    expect(counts.structuredContent).toMatchObject({ nodeId: survivor, append: 0 });
  }, 90_000);
});
