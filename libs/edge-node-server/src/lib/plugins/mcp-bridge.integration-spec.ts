import { mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
// A bridged tool must be callable through a real gateway; production code of this lib never imports it.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { DevCredentials, gatewayConfig, type RunningGateway, startGatewayRuntime } from '@pimcp/gateway-server';
import type { RegistrySnapshot } from '@pimcp/protocol';
// The node needs a real registry to join; production code of this lib never imports it.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { bootstrapRegistry, registryConfig, type RunningRegistry } from '@pimcp/registry-server';
import { EtcdProcess, pollUntil } from '@pimcp/testing';
import { bootstrapEdgeNode, type RunningEdgeNode } from '../bootstrap-edge-node';
import { edgeNodeConfig } from '../config/edge-node.config';

const MODULES = join(__dirname, '..', '..', '..', '..', '..', 'node_modules', '@modelcontextprotocol');
const SERVER_EVERYTHING = join(MODULES, 'server-everything', 'dist', 'index.js');
const SERVER_FILESYSTEM = join(MODULES, 'server-filesystem', 'dist', 'index.js');

describe('mcp-bridge plugin on an edge node (integration: real etcd, registry, gateway, server-everything and server-filesystem)', () => {
  const credentials = DevCredentials.loadOrCreate(mkdtempSync(join(tmpdir(), 'pimcp-bridge-gw-')));
  /** The only directory the operator lets server-filesystem see, given as the bridge's own roots (no directory argument). */
  const jail = realpathSync(mkdtempSync(join(tmpdir(), 'pimcp-bridge-roots-')));
  writeFileSync(join(jail, 'inside.txt'), 'visible through the roots');
  let etcd: EtcdProcess;
  let registry: RunningRegistry;
  let gateway: RunningGateway;
  let node: RunningEdgeNode;
  let client: Client;

  const catalog = async (): Promise<RegistrySnapshot> => (await (await fetch(`${registry.httpUrl}/v1/catalog`)).json()) as RegistrySnapshot;

  beforeAll(async () => {
    etcd = await EtcdProcess.start();
    registry = await bootstrapRegistry({
      config: registryConfig.load({ env: { PIMCP_ETCD_HOSTS: etcd.clientUrl, PIMCP_REGISTRY_HTTP_PORT: '0', PIMCP_REGISTRY_LINK_PORT: '0' } }),
      logger: false,
    });
    const pluginConfig = { 'mcp-bridge': { servers: {
      everything: { command: [process.execPath, SERVER_EVERYTHING, 'stdio'], prefix: 'ev', clientRequests: ['sampling', 'elicitation', 'roots'] },
      files: { command: [process.execPath, SERVER_FILESYSTEM], prefix: 'fs', roots: [jail] },
    } } };
    node = await bootstrapEdgeNode({
      config: edgeNodeConfig.load({
        env: {
          PIMCP_NODE_ID: 'bridge-1', PIMCP_NODE_LINK_PORT: '0', PIMCP_REGISTRY_URL: `tcp://${registry.link.host}:${registry.link.port}`,
          PIMCP_NODE_PLUGINS: 'mcp-bridge', PIMCP_NODE_PLUGIN_CONFIG: JSON.stringify(pluginConfig),
          PIMCP_NODE_INVOCATION_KEYS_FILE: credentials.invocationPublicKeyFile,
        },
      }),
      logger: false,
    });
    gateway = await startGatewayRuntime({
      config: gatewayConfig.load({ env: {
        PIMCP_GATEWAY_PORT: '0', PIMCP_ETCD_HOSTS: etcd.clientUrl, PIMCP_GATEWAY_JWT_PUBLIC_KEY_FILE: credentials.publicKeyFile,
        PIMCP_GATEWAY_INVOCATION_KEY_FILE: credentials.invocationKeyFile,
      } }),
      logger: false,
    });
    client = new Client({ name: 'bridge-it', version: '1' });
    const token = credentials.mintToken({ subject: 'alice', audience: gateway.mcpUrl });
    await client.connect(new StreamableHTTPClientTransport(new URL(gateway.mcpUrl), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  });

  afterAll(async () => {
    await client?.close().catch(() => undefined);
    await gateway?.close();
    await node?.shutdown();
    await registry?.close();
    await etcd?.stop();
  });

  it("registers the bridged server's tools and prompts under the node; a bridged prompt works through the gateway", async () => {
    const snapshot = await catalog();
    const tools = snapshot.capabilities.filter((c) => c.nodeId === 'bridge-1').map((c) => c.definition.name);
    expect(tools).toEqual(expect.arrayContaining(['system.info', 'ev.echo', 'ev.trigger-long-running-operation']));
    await pollUntil(async () => (await client.listPrompts()).prompts.some((p) => p.name === 'ev.simple-prompt'), {
      timeoutMs: 10_000, intervalMs: 100, description: 'ev.simple-prompt in the gateway catalog',
    });
    const prompt = await client.getPrompt({ name: 'ev.args-prompt', arguments: { city: 'Lisbon' } });
    expect(JSON.stringify(prompt.messages)).toContain('Lisbon');
  });

  it('an MCP client calls a bridged tool through the gateway, with content, structured output and progress', async () => {
    await pollUntil(async () => (await client.listTools()).tools.some((t) => t.name === 'ev.echo'), { timeoutMs: 10_000, intervalMs: 100, description: 'ev.echo in the gateway catalog' });
    expect((await client.callTool({ name: 'ev.echo', arguments: { message: 'via gateway' } })).content).toEqual([{ type: 'text', text: 'Echo: via gateway' }]);
    const structured = await client.callTool({ name: 'ev.get-structured-content', arguments: { location: 'Chicago' } });
    expect(structured.structuredContent).toEqual(expect.objectContaining({ temperature: expect.any(Number) }));
    const progress: number[] = [];
    const long = await client.callTool({ name: 'ev.trigger-long-running-operation', arguments: { duration: 0.6, steps: 3 } }, { onprogress: (p) => progress.push(p.progress) });
    expect(long.isError).not.toBe(true);
    expect(progress.slice(0, 2)).toEqual([1, 2]);
  });

  it("relays the bridged server's sampling and elicitation requests to the MCP client that made the call, and the answers back", async () => {
    const asker = new Client({ name: 'bridge-it-sampler', version: '1' }, { capabilities: { sampling: {}, elicitation: { form: {} } } });
    const seen: string[] = [];
    asker.setRequestHandler('sampling/createMessage', async (request) => {
      seen.push(`sampling ${request.params.maxTokens}`);
      return { model: 'client-model', role: 'assistant', content: { type: 'text', text: 'answered by the MCP client' } };
    });
    asker.setRequestHandler('elicitation/create', async () => {
      seen.push('elicitation');
      return { action: 'accept', content: { name: 'Grace Hopper' } };
    });
    const token = credentials.mintToken({ subject: 'bob', audience: gateway.mcpUrl });
    await asker.connect(new StreamableHTTPClientTransport(new URL(gateway.mcpUrl), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    try {
      const sampled = await asker.callTool({ name: 'ev.trigger-sampling-request', arguments: { prompt: 'hi', maxTokens: 7 } });
      expect(JSON.stringify(sampled.content)).toContain('answered by the MCP client');
      const elicited = await asker.callTool({ name: 'ev.trigger-elicitation-request', arguments: {} });
      expect(JSON.stringify(elicited.content)).toContain('Grace Hopper');
      expect(seen).toEqual(['sampling 7', 'elicitation']);
    } finally {
      await asker.close().catch(() => undefined);
    }
  });

  it("turns the bridged server's requests into input_required rounds for a 2026-07-28 client, whose answers reach the child", async () => {
    const modern = new Client({ name: 'bridge-it-modern', version: '1' }, {
      capabilities: { sampling: {}, elicitation: { form: {} }, roots: {} }, versionNegotiation: { mode: { pin: '2026-07-28' } },
    } as never);
    const seen: string[] = [];
    modern.setRequestHandler('sampling/createMessage', async (request) => {
      seen.push(`sampling ${request.params.maxTokens}`);
      return { model: 'client-model', role: 'assistant', content: { type: 'text', text: 'sampled by the 2026 client' } };
    });
    modern.setRequestHandler('elicitation/create', async () => {
      seen.push('elicitation');
      return { action: 'accept', content: { name: 'Ada Lovelace' } };
    });
    const token = credentials.mintToken({ subject: 'dave', audience: gateway.mcpUrl });
    await modern.connect(new StreamableHTTPClientTransport(new URL(gateway.mcpUrl), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    try {
      // The SDK client fulfils input_required itself (same handlers) and retries; callTool returns the final result.
      const sampled = await modern.callTool({ name: 'ev.trigger-sampling-request', arguments: { prompt: 'hi', maxTokens: 9 } });
      expect(JSON.stringify(sampled.content)).toContain('sampled by the 2026 client');
      const elicited = await modern.callTool({ name: 'ev.trigger-elicitation-request', arguments: {} });
      expect(JSON.stringify(elicited.content)).toContain('Ada Lovelace');
      expect(seen).toEqual(['sampling 9', 'elicitation']);
    } finally {
      await modern.close().catch(() => undefined);
    }
  });

  it("relays the bridged server's roots/list to the MCP client that made the call, and its roots back", async () => {
    const asker = new Client({ name: 'bridge-it-roots', version: '1' }, { capabilities: { roots: { listChanged: false } } });
    const asked: string[] = [];
    asker.setRequestHandler('roots/list', async () => {
      asked.push('roots/list');
      return { roots: [{ uri: 'file:///home/carol/project', name: 'project' }] };
    });
    const token = credentials.mintToken({ subject: 'carol', audience: gateway.mcpUrl });
    await asker.connect(new StreamableHTTPClientTransport(new URL(gateway.mcpUrl), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    try {
      // server-everything offers get-roots-list only to a client that declared roots: the bridge did, for its callers.
      await pollUntil(async () => (await asker.listTools()).tools.some((t) => t.name === 'ev.get-roots-list'), {
        timeoutMs: 10_000, intervalMs: 100, description: 'ev.get-roots-list in the gateway catalog',
      });
      const listed = await asker.callTool({ name: 'ev.get-roots-list', arguments: {} });
      expect(JSON.stringify(listed.content)).toContain('file:///home/carol/project');
      expect(asked).toEqual(['roots/list']);
    } finally {
      await asker.close().catch(() => undefined);
    }
  });

  it('answers server-filesystem\'s roots/list with the configured roots, so the operator, not a caller, sets its jail', async () => {
    await pollUntil(async () => (await client.listTools()).tools.some((t) => t.name === 'fs.list_allowed_directories'), {
      timeoutMs: 10_000, intervalMs: 100, description: 'fs.list_allowed_directories in the gateway catalog',
    });
    // Started without a directory argument, server-filesystem takes its allowed directories from roots/list at connect.
    const allowed = await client.callTool({ name: 'fs.list_allowed_directories', arguments: {} });
    expect(JSON.stringify(allowed.content)).toContain(jail);
    const inside = await client.callTool({ name: 'fs.read_text_file', arguments: { path: join(jail, 'inside.txt') } });
    expect(JSON.stringify(inside.content)).toContain('visible through the roots');
    const outside = await client.callTool({ name: 'fs.read_text_file', arguments: { path: join(tmpdir(), '..', 'etc', 'hostname') } });
    expect(outside.isError).toBe(true);
    expect(JSON.stringify(outside.content)).toMatch(/access denied|outside allowed/i);
  });

  it("re-publishes the manifest when the server's lists change, so the gateway's catalog follows", async () => {
    await client.callTool({ name: 'ev.gzip-file-as-resource', arguments: { name: 'it.txt.gz', data: 'data:text/plain,hi', outputType: 'resourceLink' } });
    await pollUntil(async () => (await client.listResources()).resources.some((r) => r.uri.includes('it.txt.gz')), {
      timeoutMs: 10_000, intervalMs: 100, description: 'the new resource in the gateway catalog',
    });
    const read = await client.readResource({ uri: (await client.listResources()).resources.find((r) => r.uri.includes('it.txt.gz'))?.uri as string });
    expect(read.contents[0]).toMatchObject({ mimeType: 'application/gzip', blob: expect.any(String) });
  });
});
