import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { InvocationTokenSigner, NodeLinkClient, signedInvoke } from '@pimcp/node-link';
import { defineTool } from '@pimcp/plugin-sdk';
import { ErrorCode, type InvokeRequest, type ProgressEvent, type RegistrySnapshot } from '@pimcp/protocol';
// The node's tests need a real registry to join; production code of this lib never imports it.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { bootstrapRegistry, registryConfig, type RunningRegistry } from '@pimcp/registry-server';
import { EtcdProcess, pollUntil } from '@pimcp/testing';
import { bootstrapEdgeNode, type RunningEdgeNode } from './bootstrap-edge-node';
import { edgeNodeConfig } from './config/edge-node.config';

/** What the test tools' handlers saw, so a test can tell that an abort reached the handler. */
const aborts = new Map<string, unknown>();

/** How often test.count's handler ran: a refused invocation must not have run it. */
let countRuns = 0;

const testTools = [
  defineTool<{ note?: string }>({
    name: 'test.count', description: 'counts its runs', version: '1.0.0', costClass: 'light',
    inputSchema: { type: 'object', properties: { note: { type: 'string' } } },
    handler: async () => ({ content: [{ type: 'text', text: `run ${++countRuns}` }] }),
  }),
  defineTool<{ steps: number }>({
    name: 'test.steps', description: 'reports progress step by step', version: '1.0.0', costClass: 'light',
    inputSchema: { type: 'object', properties: { steps: { type: 'integer', minimum: 1 } }, required: ['steps'] },
    handler: async ({ steps }, ctx) => {
      for (let i = 1; i <= steps; i++) {
        ctx.progress(i, steps, `step ${i}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return { content: [{ type: 'text', text: `done in ${steps} steps` }] };
    },
  }),
  defineTool<{ ms: number }>({
    name: 'test.block', description: 'runs until aborted or ms have passed', version: '1.0.0', costClass: 'light',
    inputSchema: { type: 'object', properties: { ms: { type: 'integer' } }, required: ['ms'] },
    handler: ({ ms }, ctx) => new Promise((resolve, reject) => {
      const timer = setTimeout(() => resolve({ content: [{ type: 'text', text: `ran ${ms} ms` }] }), ms);
      ctx.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        aborts.set(ctx.requestId, ctx.signal.reason);
        reject(ctx.signal.reason);
      }, { once: true });
    }),
  }),
];

let sequence = 0;
function request(tool: string, args: Record<string, unknown> = {}, deadlineMs = 10_000): InvokeRequest {
  return { requestId: `it-${++sequence}`, tool, arguments: args, deadline: Date.now() + deadlineMs, caller: { subject: 'integration' } };
}

/** A gateway's signing key: the nodes trust its public half from a file, as in production. */
const gatewayKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
let signer: InvocationTokenSigner;

/** The node link as the gateway uses it: every invocation carries a token signed for that node and call. */
function gatewayLink(nodeId: string, linkAddress: string) {
  const link = new NodeLinkClient({ nodeId, linkAddress });
  return {
    invoke: async (call: InvokeRequest, options?: Parameters<NodeLinkClient['invoke']>[1]) => link.invoke(await signedInvoke(signer, nodeId, call), options),
    close: () => link.close(),
  };
}

describe('edge node (integration: real etcd, real registry, two nodes in process)', () => {
  let etcd: EtcdProcess;
  let registry: RunningRegistry;
  const nodes: Record<string, RunningEdgeNode> = {};
  const clients: Record<string, ReturnType<typeof gatewayLink>> = {};
  const fileRoot = mkdtempSync(join(tmpdir(), 'pimcp-node-files-'));
  const trustedKeys = join(fileRoot, '..', `${fileRoot.split('/').pop()}-gateway.pub.pem`);

  const catalog = async (): Promise<RegistrySnapshot> => (await (await fetch(`${registry.httpUrl}/v1/catalog`)).json()) as RegistrySnapshot;
  const toolsOf = (snapshot: RegistrySnapshot, nodeId: string) => snapshot.capabilities.filter((c) => c.nodeId === nodeId).map((c) => c.definition.name).sort();

  async function startNode(nodeId: string, env: Record<string, string>): Promise<void> {
    const config = edgeNodeConfig.load({
      env: {
        PIMCP_NODE_ID: nodeId,
        PIMCP_NODE_LINK_PORT: '0',
        PIMCP_REGISTRY_URL: `tcp://${registry.link.host}:${registry.link.port}`,
        PIMCP_NODE_LABELS: 'region=tokyo',
        PIMCP_NODE_INVOCATION_KEYS_FILE: trustedKeys,
        ...env,
      },
    });
    nodes[nodeId] = await bootstrapEdgeNode({ config, tools: testTools, logger: false });
    clients[nodeId] = gatewayLink(nodeId, nodes[nodeId].linkAddress);
  }

  beforeAll(async () => {
    writeFileSync(join(fileRoot, 'hello.txt'), 'hello from pi-a\n');
    writeFileSync(trustedKeys, gatewayKey.publicKey.export({ type: 'spki', format: 'pem' }));
    signer = await InvocationTokenSigner.fromPem(gatewayKey.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, { issuer: 'it-gateway', maxTtlMs: 30_000 });
    etcd = await EtcdProcess.start();
    const config = registryConfig.load({ env: { PIMCP_ETCD_HOSTS: etcd.clientUrl, PIMCP_REGISTRY_HTTP_PORT: '0', PIMCP_REGISTRY_LINK_PORT: '0' } });
    registry = await bootstrapRegistry({ config, logger: false });
    await startNode('pi-a', { PIMCP_NODE_FILE_ROOT: fileRoot });
    await startNode('pi-b', { PIMCP_NODE_SHUTDOWN_GRACE_MS: '1500' });
  });

  afterAll(async () => {
    Object.values(clients).forEach((c) => c.close());
    await Promise.all(Object.values(nodes).map((n) => n.shutdown()));
    await registry?.close();
    await etcd?.stop();
  });

  it('both nodes join with their tools, labels and link addresses; file tools only where a root is set', async () => {
    const snapshot = await catalog();
    expect(snapshot.nodes.map((n) => n.nodeId).sort()).toEqual(['pi-a', 'pi-b']);
    expect(toolsOf(snapshot, 'pi-a')).toEqual(['file.read', 'file.search', 'system.info', 'test.block', 'test.count', 'test.steps']);
    expect(toolsOf(snapshot, 'pi-b')).toEqual(['system.info', 'test.block', 'test.count', 'test.steps']);
    const a = snapshot.nodes.find((n) => n.nodeId === 'pi-a');
    expect(a?.labels).toEqual({ tier: 'edge', arch: process.arch, region: 'tokyo', maxConcurrent: '64' });
    expect(a?.linkAddress).toBe(nodes['pi-a']?.linkAddress);
    expect(a?.linkAddress).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
  });

  it('runs a tool on each node through the node link', async () => {
    for (const nodeId of ['pi-a', 'pi-b']) {
      const result = await clients[nodeId]?.invoke(request('system.info'));
      expect(result?.['structuredContent']).toMatchObject({ nodeId, arch: process.arch });
    }
    const read = await clients['pi-a']?.invoke(request('file.read', { path: 'hello.txt' }));
    expect(read?.['content']).toEqual([{ type: 'text', text: 'hello from pi-a\n' }]);
  });

  it('streams progress events before the result', async () => {
    const progress: ProgressEvent[] = [];
    let progressWhenResolved = -1;
    const result = await clients['pi-b']?.invoke(request('test.steps', { steps: 3 }), { onProgress: (e) => progress.push(e) })
      .then((r) => {
        progressWhenResolved = progress.length;
        return r;
      });
    expect(progressWhenResolved).toBe(3);
    expect(progress).toEqual([1, 2, 3].map((i) => ({ type: 'progress', progress: i, total: 3, message: `step ${i}` })));
    expect(result?.['content']).toEqual([{ type: 'text', text: 'done in 3 steps' }]);
  });

  it('refuses an unknown tool and invalid arguments with typed errors', async () => {
    await expect(clients['pi-b']?.invoke(request('file.read', { path: 'x' }))).rejects.toMatchObject({ code: ErrorCode.ToolUnknown });
    await expect(clients['pi-a']?.invoke(request('test.steps', { steps: 'three' }))).rejects.toMatchObject({
      code: ErrorCode.InvalidArguments, problems: [{ path: 'arguments.steps', message: 'must be integer' }],
    });
  });

  it('cancellation aborts the handler on the node', async () => {
    const controller = new AbortController();
    const call = request('test.block', { ms: 60_000 });
    const pending = clients['pi-a']?.invoke(call, { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 100));
    controller.abort(new Error('user pressed stop'));
    await expect(pending).rejects.toMatchObject({ code: ErrorCode.Cancelled });
    const reason = await pollUntil(() => aborts.get(call.requestId), { timeoutMs: 2000, description: 'the handler to see the abort' });
    expect(reason).toMatchObject({ code: ErrorCode.Cancelled, message: expect.stringContaining('user pressed stop') });
  });

  it('a gateway connection that drops aborts its calls on the node', async () => {
    const gone = gatewayLink('pi-a', nodes['pi-a']?.linkAddress ?? '');
    const call = request('test.block', { ms: 60_000 });
    const pending = gone.invoke(call).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 100));
    gone.close();
    expect(await pending).toMatchObject({ code: ErrorCode.NodeUnavailable });
    const reason = await pollUntil(() => aborts.get(call.requestId), { timeoutMs: 2000, description: 'the handler to see the abort' });
    expect(reason).toMatchObject({ code: ErrorCode.Cancelled, message: expect.stringContaining('connection closed') });
  });

  it('the node enforces the deadline', async () => {
    const call = request('test.block', { ms: 60_000 }, 200);
    await expect(clients['pi-a']?.invoke(call)).rejects.toMatchObject({ code: ErrorCode.DeadlineExceeded });
    expect(aborts.get(call.requestId)).toMatchObject({ code: ErrorCode.DeadlineExceeded });
  });

  it('shutdown: tools leave the catalog at once, in-flight calls finish within the grace period, stragglers are aborted', async () => {
    const node = nodes['pi-b'] as RunningEdgeNode;
    const client = clients['pi-b'] as ReturnType<typeof gatewayLink>;
    const short = client.invoke(request('test.block', { ms: 600 }));
    const long = client.invoke(request('test.block', { ms: 60_000 })).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 100));

    const started = Date.now();
    const stopping = node.shutdown();
    await pollUntil(async () => !(await catalog()).nodes.some((n) => n.nodeId === 'pi-b'), { timeoutMs: 2000, intervalMs: 20, description: 'pi-b to leave' });
    const leftAfter = Date.now() - started;
    expect(leftAfter).toBeLessThan(500);
    expect(toolsOf(await catalog(), 'pi-b')).toEqual([]);
    // Still serving what it has, refusing anything new.
    await expect(client.invoke(request('system.info'))).rejects.toMatchObject({ code: ErrorCode.NodeUnavailable, retryable: true });

    expect(await short).toEqual({ content: [{ type: 'text', text: 'ran 600 ms' }] });
    expect(await long).toMatchObject({ code: ErrorCode.NodeUnavailable, message: expect.stringContaining('shutting down') });
    await stopping;
    const stoppedAfter = Date.now() - started;
    expect(stoppedAfter).toBeGreaterThanOrEqual(1400);
    expect(stoppedAfter).toBeLessThan(4000);
    delete nodes['pi-b'];
    // The other node is untouched.
    expect((await catalog()).nodes.map((n) => n.nodeId)).toEqual(['pi-a']);
  });

  describe('invocation tokens (ADR 0013): the node runs only what a trusted gateway signed for it', () => {
    let link: NodeLinkClient;
    beforeAll(() => {
      link = new NodeLinkClient({ nodeId: 'pi-a', linkAddress: nodes['pi-a']?.linkAddress ?? '' });
    });
    afterAll(() => link.close());

    const refusedWith = (message: string) => ({ code: ErrorCode.InvocationUnauthorized, retryable: false, message: expect.stringContaining(message) });

    it('refuses a call without a token, or with one for another node, other arguments, an expired one, and a replay; the tool runs once', async () => {
      const before = countRuns;
      const call = request('test.count', { note: 'hello' });
      await expect(link.invoke(call)).rejects.toMatchObject(refusedWith('no invocation token'));
      await expect(link.invoke(await signedInvoke(signer, 'pi-b', request('test.count')))).rejects.toMatchObject(refusedWith('another node'));
      const tampered = { ...(await signedInvoke(signer, 'pi-a', request('test.count', { note: 'hello' }))), arguments: { note: 'rm -rf /' } };
      await expect(link.invoke(tampered)).rejects.toMatchObject(refusedWith('arguments hash'));
      const past = await InvocationTokenSigner.fromPem(gatewayKey.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
        { issuer: 'it-gateway', maxTtlMs: 30_000 }, () => Date.now() - 120_000);
      await expect(link.invoke(await signedInvoke(past, 'pi-a', request('test.count')))).rejects.toMatchObject(refusedWith('expired'));
      const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
      const untrusted = await InvocationTokenSigner.fromPem(stranger, { issuer: 'it-gateway', maxTtlMs: 30_000 });
      await expect(link.invoke(await signedInvoke(untrusted, 'pi-a', request('test.count')))).rejects.toMatchObject(refusedWith('does not trust'));
      expect(countRuns).toBe(before);

      const once = await signedInvoke(signer, 'pi-a', request('test.count'));
      expect(await link.invoke(once)).toEqual({ content: [{ type: 'text', text: `run ${before + 1}` }] });
      await expect(link.invoke({ ...once, requestId: `${once.requestId}-again` })).rejects.toMatchObject(refusedWith('already used'));
      expect(countRuns).toBe(before + 1);
    });

    it('a node that trusts no gateway key does not start (deny by default)', async () => {
      const config = edgeNodeConfig.load({ env: { PIMCP_NODE_ID: 'pi-open', PIMCP_REGISTRY_URL: `tcp://${registry.link.host}:${registry.link.port}` } });
      await expect(bootstrapEdgeNode({ config, logger: false })).rejects.toThrow('PIMCP_NODE_INVOCATION_KEYS_FILE or PIMCP_NODE_INVOCATION_JWKS_URL is required');
    });

    it('refuses a forwarded request (node.request) without a valid token too', async () => {
      const read = { requestId: `it-${++sequence}`, method: 'resources/read' as const, params: { uri: 'test://x' }, deadline: Date.now() + 5000, caller: { subject: 'integration' } };
      await expect(link.request(read)).rejects.toMatchObject(refusedWith('no invocation token'));
    });
  });
});
