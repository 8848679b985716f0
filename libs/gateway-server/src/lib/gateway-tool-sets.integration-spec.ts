import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { defineTool } from '@pimcp/plugin-sdk';
// The suite runs the gateway against a real registry and a real node; production code never imports them.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { bootstrapEdgeNode, edgeNodeConfig, type RunningEdgeNode } from '@pimcp/edge-node-server';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { bootstrapRegistry, registryConfig, type RunningRegistry } from '@pimcp/registry-server';
import { EtcdProcess, pollUntil } from '@pimcp/testing';
import { DevCredentials } from './auth/dev-credentials';
import type { RunningGateway } from './bootstrap-gateway';
import { gatewayConfig } from './config/gateway.config';
import { startGatewayRuntime } from './gateway-runtime';

/** Every call that ran lands here: the proof that a refused call never did. */
const ran: string[] = [];
const nodeTools = ['test.mark', 'test.other'].map((name) => defineTool<{ note: string }>({
  name, description: `Records a note (${name})`, version: '1.0.0', costClass: 'light',
  inputSchema: { type: 'object', properties: { note: { type: 'string' } }, required: ['note'] },
  handler: async ({ note }) => {
    ran.push(`${name}:${note}`);
    return { content: [{ type: 'text', text: `marked ${note}` }] };
  },
}));

const modernEnvelope = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientInfo': { name: 'tool-sets-suite', version: '1' },
  'io.modelcontextprotocol/clientCapabilities': {},
};

describe('tool sets from the registry\'s admin API, followed live by a gateway (real etcd, registry, node)', () => {
  const credentials = DevCredentials.loadOrCreate(mkdtempSync(join(tmpdir(), 'pimcp-toolsets-')));
  let etcd: EtcdProcess;
  let registry: RunningRegistry;
  let node: RunningEdgeNode;
  let gateway: RunningGateway;
  const clients: Client[] = [];
  const tokenWith = (scopes: string[], subject = 'auditor') => credentials.mintToken({ subject, audience: gateway.mcpUrl, scopes });

  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${registry.httpUrl}/v1/tool-sets${path}`, {
      method, headers: { 'content-type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const listed = async (token: string) => ((await rpc(gateway, token, 'tools/list')).body?.result?.tools ?? []).map((t: { name: string }) => t.name) as string[];
  const call = (token: string, name: string, note: string) => rpc(gateway, token, 'tools/call', { name, arguments: { note } });
  const scopesSupported = async () => ((await (await fetch(`${new URL(gateway.mcpUrl).origin}/.well-known/oauth-protected-resource/mcp`)).json()) as { scopes_supported: string[] }).scopes_supported;

  beforeAll(async () => {
    etcd = await EtcdProcess.start();
    registry = await bootstrapRegistry({
      config: registryConfig.load({ env: { PIMCP_ETCD_HOSTS: etcd.clientUrl, PIMCP_REGISTRY_HTTP_PORT: '0', PIMCP_REGISTRY_LINK_PORT: '0' } }), logger: false,
    });
    node = await bootstrapEdgeNode({
      config: edgeNodeConfig.load({ env: {
        PIMCP_NODE_ID: 'pi-sets', PIMCP_NODE_LINK_PORT: '0', PIMCP_REGISTRY_URL: `tcp://${registry.link.host}:${registry.link.port}`,
        PIMCP_NODE_INVOCATION_KEYS_FILE: credentials.invocationPublicKeyFile,
      } }),
      tools: nodeTools, logger: false,
    });
    gateway = await startGatewayRuntime({
      config: gatewayConfig.load({ env: {
        PIMCP_GATEWAY_PORT: '0', PIMCP_ETCD_HOSTS: etcd.clientUrl, PIMCP_GATEWAY_INVOCATION_KEY_FILE: credentials.invocationKeyFile,
        PIMCP_GATEWAY_JWT_PUBLIC_KEY_FILE: credentials.publicKeyFile,
        // A YAML set the admin API then narrows: the stored set of the same name wins.
        PIMCP_GATEWAY_TOOL_SETS: JSON.stringify({ ops: ['test.*'] }),
      } }),
      logger: false,
    });
    const everything = tokenWith(['tools:*'], 'admin');
    await pollUntil(async () => (await listed(everything)).includes('test.other') || undefined, { timeoutMs: 20_000, description: 'the node\'s tools in the gateway catalog' });
  }, 120_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await gateway?.close();
    await node?.shutdown();
    await registry?.close();
    await etcd?.stop();
  });

  it('grants toolset:<name> what PUT stores, without a restart, and takes it away again on DELETE', async () => {
    const auditor = tokenWith(['toolset:auditors']);
    expect(await listed(auditor)).not.toContain('test.mark');
    expect((await call(auditor, 'test.mark', 'before')).status).toBe(403);
    expect(await scopesSupported()).not.toContain('toolset:auditors');

    const put = await admin('PUT', '/auditors', { patterns: ['test.mark'] });
    expect(put.status).toBe(200);
    await pollUntil(async () => (await listed(auditor)).includes('test.mark') || undefined, { timeoutMs: 10_000, description: 'the stored set to reach the gateway' });
    expect(await listed(auditor)).not.toContain('test.other');
    const allowed = await call(auditor, 'test.mark', 'after-put');
    expect(allowed.status).toBe(200);
    expect(allowed.body.result.isError).toBeFalsy();
    expect(ran).toContain('test.mark:after-put');
    expect((await call(auditor, 'test.other', 'outside-the-set')).status).toBe(403);
    expect(await scopesSupported()).toContain('toolset:auditors');

    expect((await admin('DELETE', '/auditors')).status).toBe(200);
    await pollUntil(async () => !(await listed(auditor)).includes('test.mark') || undefined, { timeoutMs: 10_000, description: 'the removal to reach the gateway' });
    expect((await call(auditor, 'test.mark', 'after-delete')).status).toBe(403);
    expect(await scopesSupported()).not.toContain('toolset:auditors');
    expect(ran).not.toContain('test.mark:before');
    expect(ran).not.toContain('test.mark:after-delete');
    expect(ran).not.toContain('test.other:outside-the-set');
  });

  it('lets a stored set replace the gateway\'s YAML set of the same name, and the YAML one return when it is deleted', async () => {
    const operator = tokenWith(['toolset:ops'], 'operator');
    expect(await listed(operator)).toEqual(expect.arrayContaining(['test.mark', 'test.other']));
    expect((await admin('PUT', '/ops', { patterns: ['test.other'] })).status).toBe(200);
    await pollUntil(async () => !(await listed(operator)).includes('test.mark') || undefined, { timeoutMs: 10_000, description: 'the stored ops set to replace the YAML one' });
    expect((await call(operator, 'test.mark', 'narrowed')).status).toBe(403);
    expect((await admin('DELETE', '/ops')).status).toBe(200);
    await pollUntil(async () => (await listed(operator)).includes('test.mark') || undefined, { timeoutMs: 10_000, description: 'the YAML ops set to be back' });
  });

  it('sends notifications/tools/list_changed to a connected client when a tool set changes', async () => {
    const changed = jest.fn();
    const client = new Client({ name: 'set-watcher', version: '1' }, { listChanged: { tools: { onChanged: changed, debounceMs: 0 } } } as never);
    await client.connect(new StreamableHTTPClientTransport(new URL(gateway.mcpUrl), { requestInit: { headers: { authorization: `Bearer ${tokenWith(['toolset:watchers'], 'watcher')}` } } }));
    clients.push(client);
    expect((await client.listTools()).tools.map((t) => t.name)).not.toContain('test.mark');
    await new Promise((r) => setTimeout(r, 300)); // the GET stream opens after initialized
    expect((await admin('PUT', '/watchers', { patterns: ['test.mark'] })).status).toBe(200);
    await pollUntil(() => changed.mock.calls.length > 0 || undefined, { timeoutMs: 10_000, description: 'tools/list_changed' });
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('test.mark');
    await admin('DELETE', '/watchers');
  });

  it('refuses a bad set with 400 naming the field, and the gateway keeps what it had', async () => {
    const bad = await admin('PUT', '/auditors', { patterns: ['test.mark', 'toolset:ops'] });
    expect(bad.status).toBe(400);
    expect(bad.body['problems']).toEqual([expect.objectContaining({ path: 'patterns[1]' })]);
    expect(await listed(tokenWith(['toolset:auditors']))).not.toContain('test.mark');
  });
});

interface RpcAnswer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

let rpcId = 0;
/** One stateless (2026-07-28) JSON-RPC request, answered as JSON or as the last event of an SSE answer. */
async function rpc(target: RunningGateway, token: string, method: string, params: Record<string, unknown> = {}): Promise<RpcAnswer> {
  const name = params['name'];
  const res = await fetch(target.mcpUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}`,
      'mcp-protocol-version': '2026-07-28', 'mcp-method': method, ...(typeof name === 'string' ? { 'mcp-name': name } : {}),
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: ++rpcId, method, params: { ...params, _meta: modernEnvelope } }),
  });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    const data = text.split('\n').filter((l) => l.startsWith('data:')).pop();
    return { status: res.status, body: data ? JSON.parse(data.slice(5)) : text };
  }
}
