import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, ProtocolError, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { InMemorySessionStore } from '@pimcp/session-store';
import { FakeToolCatalog } from '../test-support/fake-tool-catalog';
import { FakeOfferingCatalog } from '../test-support/fake-offering-catalog';
import { ScriptedNodeInvoker } from '../test-support/scripted-node-invoker';
import { DevCredentials } from './auth/dev-credentials';
import { bootstrapGateway, type RunningGateway } from './bootstrap-gateway';
import { gatewayConfig } from './config/gateway.config';
import { MAX_SESSIONS_PER_SUBJECT } from './mcp/legacy-sessions';

const echo = {
  name: 'text.echo', description: 'Echo text back', version: '1.0.0', costClass: 'light' as const,
  inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
};

describe('gateway MCP endpoint (unit tier: fake catalog and node invoker)', () => {
  const credentials = DevCredentials.loadOrCreate(mkdtempSync(join(tmpdir(), 'pimcp-gw-')));
  const sessions = new InMemorySessionStore();
  let catalog: FakeToolCatalog;
  let offerings: FakeOfferingCatalog;
  let invoker: ScriptedNodeInvoker;
  let gateway: RunningGateway;
  let token: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    catalog = new FakeToolCatalog();
    offerings = new FakeOfferingCatalog();
    invoker = new ScriptedNodeInvoker();
    catalog.add(echo);
    invoker.on('text.echo', async (req, opts) => {
      opts.onProgress({ type: 'progress', progress: 1, total: 2, message: 'halfway' });
      return { content: [{ type: 'text', text: String(req.arguments['text']) }, { type: 'image', data: 'iVBORw0KGgo=', mimeType: 'image/png' }], structuredContent: { echoed: req.arguments['text'] } };
    });
    const config = gatewayConfig.load({ env: { PIMCP_GATEWAY_PORT: '0', PIMCP_GATEWAY_JWT_PUBLIC_KEY_FILE: credentials.publicKeyFile } });
    gateway = await bootstrapGateway({ config, catalog, offerings, invoker, sessions, logger: false });
    token = credentials.mintToken({ subject: 'alice', audience: gateway.mcpUrl });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await gateway?.close();
  });

  async function connect(era: 'legacy' | 'modern', url = gateway.mcpUrl, bearer = token): Promise<Client> {
    const client = new Client({ name: `test-${era}`, version: '1' }, era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } as never : {});
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${bearer}` } } }));
    clients.push(client);
    return client;
  }

  const modernEnvelope = {
    'io.modelcontextprotocol/protocolVersion': '2026-07-28',
    'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' },
    'io.modelcontextprotocol/clientCapabilities': {},
  };
  const modernHeaders = (method: string) => ({ 'mcp-protocol-version': '2026-07-28', 'mcp-method': method });

  function post(body: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(gateway.mcpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}`, ...headers },
      body,
    });
  }

  it.each(['legacy', 'modern'] as const)('lists and calls a tool in the %s era, passing content and structured output through', async (era) => {
    const client = await connect(era);
    expect(client.getProtocolEra()).toBe(era);
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('text.echo');
    const progress: number[] = [];
    const result = await client.callTool({ name: 'text.echo', arguments: { text: 'hi' } }, { onprogress: (p) => progress.push(p.progress) });
    expect(result.content).toEqual([{ type: 'text', text: 'hi' }, { type: 'image', data: 'iVBORw0KGgo=', mimeType: 'image/png' }]);
    expect(result.structuredContent).toEqual({ echoed: 'hi' });
    expect(progress).toEqual([1]);
  });

  it('never forwards the client token to the node, and names the caller instead', async () => {
    const client = await connect('legacy');
    await client.callTool({ name: 'text.echo', arguments: { text: 'who' }, _meta: { 'io.pimcp/target': 'node-a', 'io.pimcp/context': 'demo' } });
    const sent = invoker.calls.at(-1)?.request;
    expect(JSON.stringify(sent)).not.toContain(token);
    expect(sent?.caller.subject).toBe('alice');
    // Routing keys are the gateway's; the rest of _meta is the tool's.
    expect(sent?.meta).toEqual({ 'io.pimcp/context': 'demo' });
    expect(sent?.deadline).toBeGreaterThan(Date.now());
  });

  it('pages tools/list: at most 100 a page, every tool reachable through the cursors', async () => {
    for (let i = 0; i < 150; i++) catalog.add({ ...echo, name: `bulk.t${String(i).padStart(3, '0')}` });
    const first = await post(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: modernEnvelope } }), modernHeaders('tools/list'));
    const page = ((await first.json()) as { result: { tools: unknown[]; nextCursor?: string } }).result;
    expect(page.tools).toHaveLength(100);
    expect(page.nextCursor).toEqual(expect.any(String));
    const client = await connect('legacy');
    // text.echo, the 150 bulk tools, and the gateway's own cluster.map
    expect((await client.listTools()).tools.length).toBe(152);
  });

  it('answers an unknown tool with JSON-RPC -32602 naming it', async () => {
    const client = await connect('modern');
    const err = await client.callTool({ name: 'no.such', arguments: {} }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).code).toBe(-32602);
    expect((err as Error).message).toContain('no.such');
  });

  it('answers arguments that fail the schema with a tool error naming the field, without calling a node', async () => {
    const client = await connect('legacy');
    const before = invoker.calls.length;
    const result = await client.callTool({ name: 'text.echo', arguments: { text: 42 } });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain('/text');
    expect(invoker.calls.length).toBe(before);
  });

  it('refuses a missing or wrong token with 401 and a WWW-Authenticate challenge', async () => {
    const none = await fetch(gateway.mcpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer /);
    const wrongAudience = credentials.mintToken({ subject: 'alice', audience: 'http://elsewhere/mcp' });
    expect((await post('{}', { authorization: `Bearer ${wrongAudience}` })).status).toBe(401);
    const forged = `${token.slice(0, -4)}AAAA`;
    expect((await post('{}', { authorization: `Bearer ${forged}` })).status).toBe(401);
  });

  it('refuses a foreign Origin (DNS rebinding) with 403', async () => {
    const res = await post('{"jsonrpc":"2.0","id":1,"method":"ping"}', { origin: 'http://evil.example' });
    expect(res.status).toBe(403);
  });

  it('answers malformed JSON with a parse error and oversize bodies with 413, and keeps serving', async () => {
    const bad = await post('{"jsonrpc": "2.0", ');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: number } }).error.code).toBe(-32700);
    const huge = await post(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping', params: { pad: 'x'.repeat(2 * 1024 * 1024) } }));
    expect(huge.status).toBe(413);
    const client = await connect('legacy');
    expect((await client.callTool({ name: 'text.echo', arguments: { text: 'still here' } })).content).toContainEqual({ type: 'text', text: 'still here' });
  });

  it.each([
    ['a request without a method', '{"jsonrpc":"2.0","id":1}'],
    ['a method that is not a string', '{"jsonrpc":"2.0","id":1,"method":5}'],
    ['a wrong jsonrpc version', '{"jsonrpc":"1.0","id":1,"method":"ping"}'],
    ['a JSON array of numbers', '[1,2,3]'],
  ])('answers %s with a 4xx JSON-RPC error and keeps serving', async (_label, body) => {
    const res = await post(body);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    const payload = (await res.json()) as { error?: { code: number } };
    expect(payload.error?.code).toEqual(expect.any(Number));
    const client = await connect('modern');
    expect((await client.callTool({ name: 'text.echo', arguments: { text: 'ok' } })).content).toContainEqual({ type: 'text', text: 'ok' });
  });

  it('answers an unknown method with -32601 in both eras', async () => {
    const modern = await post(JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'no/such', params: { _meta: modernEnvelope } }), modernHeaders('no/such'));
    expect(((await modern.json()) as { error: { code: number } }).error.code).toBe(-32601);
    const transport = new StreamableHTTPClientTransport(new URL(gateway.mcpUrl), { requestInit: { headers: { authorization: `Bearer ${token}` } } });
    const client = new Client({ name: 'legacy-raw', version: '1' });
    await client.connect(transport);
    clients.push(client);
    const legacy = await post(JSON.stringify({ jsonrpc: '2.0', id: 8, method: 'no/such', params: {} }), {
      'mcp-session-id': transport.sessionId as string, 'mcp-protocol-version': '2025-11-25',
    });
    const text = await legacy.text();
    expect(text).toContain('-32601');
  });

  it('tells modern clients listening on subscriptions/listen when the tool list changes', async () => {
    const changed = jest.fn();
    const client = new Client({ name: 'modern-watcher', version: '1' }, { versionNegotiation: { mode: { pin: '2026-07-28' } }, listChanged: { tools: { onChanged: changed, debounceMs: 0 } } } as never);
    await client.connect(new StreamableHTTPClientTransport(new URL(gateway.mcpUrl), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    clients.push(client);
    await new Promise((r) => setTimeout(r, 300)); // the listen stream opens after connect
    catalog.add({ ...echo, name: 'modern.late.tool' });
    for (let i = 0; i < 100 && changed.mock.calls.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(changed).toHaveBeenCalled();
  });

  it('tells connected legacy sessions when the tool list changes', async () => {
    const changed = jest.fn();
    const client = new Client({ name: 'watcher', version: '1' }, { listChanged: { tools: { onChanged: changed, debounceMs: 0 } } } as never);
    await client.connect(new StreamableHTTPClientTransport(new URL(gateway.mcpUrl), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    clients.push(client);
    await new Promise((r) => setTimeout(r, 200)); // the GET stream opens after initialized
    catalog.add({ ...echo, name: 'late.tool' });
    for (let i = 0; i < 50 && changed.mock.calls.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(changed).toHaveBeenCalled();
  });

  it('aborts the node call when the client cancels', async () => {
    let aborted: Promise<unknown> | undefined;
    invoker.on('slow.tool', (_req, opts) => {
      aborted = new Promise((resolve) => opts.signal.addEventListener('abort', () => resolve(opts.signal.reason)));
      return new Promise(() => undefined);
    });
    catalog.add({ ...echo, name: 'slow.tool' });
    const client = await connect('legacy');
    const controller = new AbortController();
    const call = client.callTool({ name: 'slow.tool', arguments: { text: 'x' } }, { signal: controller.signal }).catch((e: unknown) => e);
    for (let i = 0; i < 50 && !aborted; i++) await new Promise((r) => setTimeout(r, 10));
    controller.abort('user pressed stop');
    await expect(aborted).resolves.toBeDefined();
    expect(await call).toBeInstanceOf(Error);
  });

  it('lets another replica serve a legacy session through the shared session store', async () => {
    // Replicas behind one load balancer share one public URL, which is the tokens' audience.
    const config = gatewayConfig.load({ env: { PIMCP_GATEWAY_PORT: '0', PIMCP_GATEWAY_PUBLIC_URL: gateway.mcpUrl, PIMCP_GATEWAY_JWT_PUBLIC_KEY_FILE: credentials.publicKeyFile } });
    const replica = await bootstrapGateway({ config, catalog, offerings, invoker, sessions, logger: false });
    try {
      const transport = new StreamableHTTPClientTransport(new URL(gateway.mcpUrl), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
        // After the handshake, send every POST to the other replica, as a load balancer without affinity would.
        fetch: (url, init) => {
          const target = new URL(url);
          if (init?.method === 'POST' && transport.sessionId) target.port = new URL(replica.listenUrl).port;
          return fetch(target, init);
        },
      });
      const client = new Client({ name: 'roaming', version: '1' });
      await client.connect(transport);
      clients.push(client);
      const result = await client.callTool({ name: 'text.echo', arguments: { text: 'roamed' } });
      expect(result.content).toContainEqual({ type: 'text', text: 'roamed' });
      expect(replica.endpoint.legacySessionCount).toBe(1);
    } finally {
      await replica.close();
    }
  });

  it('keeps at most MAX_SESSIONS_PER_SUBJECT legacy sessions per subject, closing the least recently used', async () => {
    const init = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'flood', version: '1' } } });
    const flooder = credentials.mintToken({ subject: 'flooder', audience: gateway.mcpUrl });
    const before = gateway.endpoint.legacySessionCount;
    const ids: string[] = [];
    for (let i = 0; i < MAX_SESSIONS_PER_SUBJECT + 8; i++) {
      const res = await post(init, { authorization: `Bearer ${flooder}` });
      await res.text();
      ids.push(res.headers.get('mcp-session-id') ?? '');
    }
    expect(gateway.endpoint.legacySessionCount - before).toBe(MAX_SESSIONS_PER_SUBJECT);
    const ping = (id: string) => post(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' }), { authorization: `Bearer ${flooder}`, 'mcp-session-id': id, 'mcp-protocol-version': '2025-11-25' });
    expect((await ping(ids[0] as string)).status).toBe(404);
    expect((await ping(ids.at(-1) as string)).status).toBe(200);
  });

});
