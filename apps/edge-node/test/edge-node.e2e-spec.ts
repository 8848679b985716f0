import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvocationTokenSigner, NodeLinkClient, signedInvoke } from '@pimcp/node-link';
import { ErrorCode, type InvokeRequest, type ProgressEvent, type RegistrySnapshot } from '@pimcp/protocol';
// The e2e needs a real registry for the spawned node to join; the app itself never imports it.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { bootstrapRegistry, registryConfig, type RunningRegistry } from '@pimcp/registry-server';
import { EtcdProcess, pollUntil } from '@pimcp/testing';
import { EdgeNodeProcess } from './edge-node-process';

const LEASE_TTL_SECONDS = 2;

let sequence = 0;
function request(tool: string, args: Record<string, unknown> = {}): InvokeRequest {
  return { requestId: `e2e-${++sequence}`, tool, arguments: args, deadline: Date.now() + 30_000, caller: { subject: 'e2e' } };
}

/** The node trusts this gateway key from a file; the test signs each call with it as a gateway would. */
const gatewayKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const keyDir = mkdtempSync(join(tmpdir(), 'pimcp-e2e-keys-'));
const trustedKeys = join(keyDir, 'gateway.pub.pem');
writeFileSync(trustedKeys, gatewayKey.publicKey.export({ type: 'spki', format: 'pem' }));
let signer: InvocationTokenSigner;

/** A node link client that signs every invocation for its node, as the gateway's invoker does. */
class SignedLink {
  constructor(readonly link: NodeLinkClient, private readonly nodeId: string) {}
  async invoke(call: InvokeRequest, options?: Parameters<NodeLinkClient['invoke']>[1]): Promise<Record<string, unknown>> {
    return this.link.invoke(await signedInvoke(signer, this.nodeId, call), options);
  }
  close(): void {
    this.link.close();
  }
}

describe('edge-node process (e2e: dist/apps/edge-node/main.js, real etcd and registry)', () => {
  let etcd: EtcdProcess;
  let registry: RunningRegistry;
  const processes: EdgeNodeProcess[] = [];
  const clients: SignedLink[] = [];

  const nodeIds = async (): Promise<string[]> => ((await (await fetch(`${registry.httpUrl}/v1/catalog`)).json()) as RegistrySnapshot).nodes.map((n) => n.nodeId);

  async function startNode(nodeId: string, env: Record<string, string> = {}) {
    const started = await EdgeNodeProcess.start({
      PIMCP_NODE_ID: nodeId,
      PIMCP_NODE_LINK_PORT: '0',
      PIMCP_REGISTRY_URL: `tcp://${registry.link.host}:${registry.link.port}`,
      // Its test_tool_with_progress is a long call with progress, the shape these tests need.
      PIMCP_NODE_PLUGINS: 'conformance-fixtures',
      PIMCP_NODE_INVOCATION_KEYS_FILE: trustedKeys,
      ...env,
    });
    processes.push(started.node);
    const client = new SignedLink(new NodeLinkClient({ nodeId, linkAddress: started.linkAddress }), nodeId);
    clients.push(client);
    return { ...started, client };
  }

  /** Starts a long call and resolves once its first progress event arrived, so the handler is running. */
  async function longCall(client: SignedLink, delayMs: number): Promise<{ outcome: Promise<unknown> }> {
    const progress: ProgressEvent[] = [];
    const outcome = client.invoke(request('test_tool_with_progress', { delayMs }), { onProgress: (e) => progress.push(e) }).then((r) => r, (e: unknown) => e);
    await pollUntil(() => progress.length > 0, { timeoutMs: 5000, intervalMs: 5, description: 'the first progress event' });
    // Wrapped: an async function returning the promise itself would wait for the whole call.
    return { outcome };
  }

  beforeAll(async () => {
    signer = await InvocationTokenSigner.fromPem(gatewayKey.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, { issuer: 'e2e-gateway', maxTtlMs: 30_000 });
    etcd = await EtcdProcess.start();
    const config = registryConfig.load({
      env: { PIMCP_ETCD_HOSTS: etcd.clientUrl, PIMCP_REGISTRY_HTTP_PORT: '0', PIMCP_REGISTRY_LINK_PORT: '0', PIMCP_REGISTRY_LEASE_TTL_SECONDS: String(LEASE_TTL_SECONDS) },
    });
    registry = await bootstrapRegistry({ config, logger: false });
  });

  afterAll(async () => {
    clients.forEach((c) => c.close());
    await Promise.all(processes.map((p) => p.stop()));
    await registry?.close();
    await etcd?.stop();
    rmSync(keyDir, { recursive: true, force: true });
  });

  it('refuses to start with a bad configuration, naming the variable', async () => {
    const node = EdgeNodeProcess.spawn({ PIMCP_NODE_LINK_PORT: 'seven' });
    processes.push(node);
    expect((await node.exited).code).toBe(1);
    expect(node.output).toContain('PIMCP_NODE_ID');
    expect(node.output).toContain('PIMCP_NODE_LINK_PORT must be a whole number');
  });

  it('joins the registry and serves calls over its link', async () => {
    const { client } = await startNode('e2e-serve');
    expect(await nodeIds()).toContain('e2e-serve');
    expect(await client.invoke(request('system.info'))).toMatchObject({ structuredContent: { nodeId: 'e2e-serve' } });
  });

  it('refuses calls without a valid gateway-signed token: none, another node\'s, tampered arguments, expired, replayed', async () => {
    const { client } = await startNode('e2e-guarded');
    const unauthorized = (message: string) => ({ code: ErrorCode.InvocationUnauthorized, retryable: false, message: expect.stringContaining(message) });
    await expect(client.link.invoke(request('system.info'))).rejects.toMatchObject(unauthorized('no invocation token'));
    await expect(client.link.invoke(await signedInvoke(signer, 'e2e-other', request('system.info')))).rejects.toMatchObject(unauthorized('another node'));
    const signed = await signedInvoke(signer, 'e2e-guarded', request('test_simple_text'));
    await expect(client.link.invoke({ ...signed, arguments: { injected: 'rm -rf /' } })).rejects.toMatchObject(unauthorized('arguments hash'));
    const stale = await InvocationTokenSigner.fromPem(gatewayKey.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, { issuer: 'e2e-gateway', maxTtlMs: 30_000 }, () => Date.now() - 120_000);
    await expect(client.link.invoke(await signedInvoke(stale, 'e2e-guarded', request('system.info')))).rejects.toMatchObject(unauthorized('expired'));
    const once = await signedInvoke(signer, 'e2e-guarded', request('system.info'));
    expect(await client.link.invoke(once)).toMatchObject({ structuredContent: { nodeId: 'e2e-guarded' } });
    await expect(client.link.invoke({ ...once, requestId: `${once.requestId}-replay` })).rejects.toMatchObject(unauthorized('already used'));
  });

  it('does not start without trusted gateway keys, naming the settings', async () => {
    const node = EdgeNodeProcess.spawn({ PIMCP_NODE_ID: 'e2e-open', PIMCP_REGISTRY_URL: `tcp://${registry.link.host}:${registry.link.port}` });
    processes.push(node);
    expect((await node.exited).code).toBe(1);
    expect(node.output).toContain('PIMCP_NODE_INVOCATION_KEYS_FILE or PIMCP_NODE_INVOCATION_JWKS_URL is required');
  });

  it('SIGKILL mid-call: the call fails with NODE_UNAVAILABLE at once, not at its deadline; the lease then expires', async () => {
    const { node, client } = await startNode('e2e-killed');
    const call = await longCall(client, 10_000);
    const killedAt = Date.now();
    node.signal('SIGKILL');
    const err = await call.outcome;
    expect(Date.now() - killedAt).toBeLessThan(1000);
    expect(err).toMatchObject({ code: ErrorCode.NodeUnavailable, retryable: true });
    await pollUntil(async () => !(await nodeIds()).includes('e2e-killed'), { timeoutMs: (LEASE_TTL_SECONDS + 3) * 1000, intervalMs: 100, description: 'the lease to expire' });
  });

  it('SIGTERM: leaves the catalog at once, finishes the call in flight, exits 0', async () => {
    const { node, client } = await startNode('e2e-stopped', { PIMCP_NODE_SHUTDOWN_GRACE_MS: '5000' });
    const call = await longCall(client, 400);
    const stoppedAt = Date.now();
    node.signal('SIGTERM');
    await pollUntil(async () => !(await nodeIds()).includes('e2e-stopped'), { timeoutMs: 2000, intervalMs: 20, description: 'the node to leave' });
    expect(Date.now() - stoppedAt).toBeLessThan(500);
    expect(await call.outcome).toEqual({ content: [{ type: 'text', text: 'Progress test completed' }] });
    expect(await node.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - stoppedAt).toBeLessThan(5000);
  });
});
