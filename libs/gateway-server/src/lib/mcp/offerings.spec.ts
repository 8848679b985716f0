import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, ProtocolError, ResourceNotFoundError, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { ErrorCode, PimcpError } from '@pimcp/protocol';
import { InMemorySessionStore } from '@pimcp/session-store';
import { FakeOfferingCatalog } from '../../test-support/fake-offering-catalog';
import { FakeToolCatalog } from '../../test-support/fake-tool-catalog';
import { ScriptedNodeInvoker } from '../../test-support/scripted-node-invoker';
import { DevCredentials } from '../auth/dev-credentials';
import { bootstrapGateway, type RunningGateway } from '../bootstrap-gateway';
import { gatewayConfig } from '../config/gateway.config';

const noisy = {
  name: 'noisy.tool', description: 'logs while it works', version: '1.0.0', costClass: 'light' as const, inputSchema: { type: 'object' },
};

describe('gateway resources, prompts, completion and log relay (unit tier)', () => {
  const credentials = DevCredentials.loadOrCreate(mkdtempSync(join(tmpdir(), 'pimcp-gw-')));
  const catalog = new FakeToolCatalog();
  const offerings = new FakeOfferingCatalog();
  const invoker = new ScriptedNodeInvoker();
  let gateway: RunningGateway;
  let token: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    offerings.addResource({ uri: 'pi://logs/app', name: 'app log', mimeType: 'text/plain' });
    offerings.addTemplate({ uriTemplate: 'pi://sensors/{name}', name: 'sensor' });
    offerings.addPrompt({ name: 'summarize', description: 'summarize a log', arguments: [{ name: 'uri', required: true }] });
    catalog.add(noisy);
    invoker.on('noisy.tool', async (_req, opts) => {
      for (const level of ['debug', 'info', 'error'] as const) opts.onLog?.({ type: 'log', level, logger: 'noisy.tool', data: `at ${level}` });
      return { content: [{ type: 'text', text: 'done' }] };
    });
    invoker.onRequest('resources/read', async (req) => {
      const uri = String(req.params['uri']);
      if (uri === 'pi://sensors/gone') throw new PimcpError(ErrorCode.ResourceUnknown, 'node node-a has no resource "pi://sensors/gone"');
      return { contents: [{ uri, mimeType: 'text/plain', text: `read ${uri}` }] };
    });
    invoker.onRequest('prompts/get', async (req) => ({
      messages: [{ role: 'user', content: { type: 'text', text: `summarize ${String((req.params['arguments'] as Record<string, string>)['uri'])}` } }],
    }));
    invoker.onRequest('completion/complete', async () => ({ completion: { values: ['pi://logs/app'], total: 1, hasMore: false } }));
    const config = gatewayConfig.load({ env: { PIMCP_GATEWAY_PORT: '0', PIMCP_GATEWAY_JWT_PUBLIC_KEY_FILE: credentials.publicKeyFile } });
    gateway = await bootstrapGateway({ config, catalog, offerings, invoker, sessions: new InMemorySessionStore(), logger: false });
    token = credentials.mintToken({ subject: 'alice', audience: gateway.mcpUrl });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await gateway?.close();
  });

  async function connect(era: 'legacy' | 'modern', options: Record<string, unknown> = {}): Promise<Client> {
    const client = new Client({ name: `test-${era}`, version: '1' }, { ...(era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {}), ...options } as never);
    await client.connect(new StreamableHTTPClientTransport(new URL(gateway.mcpUrl), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    clients.push(client);
    return client;
  }

  it.each(['legacy', 'modern'] as const)('lists and reads resources, fixed and templated, in the %s era', async (era) => {
    const client = await connect(era);
    expect((await client.listResources()).resources.map((r) => r.uri)).toEqual(['pi://logs/app']);
    expect((await client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate)).toEqual(['pi://sensors/{name}']);
    expect((await client.readResource({ uri: 'pi://sensors/kitchen' })).contents).toEqual([{ uri: 'pi://sensors/kitchen', mimeType: 'text/plain', text: 'read pi://sensors/kitchen' }]);
    const sent = invoker.requests.at(-1);
    expect(sent?.request).toMatchObject({ method: 'resources/read', params: { uri: 'pi://sensors/kitchen' }, caller: { subject: 'alice' } });
    expect(JSON.stringify(sent)).not.toContain(token);
  });

  it.each(['legacy', 'modern'] as const)('answers a URI no node serves, and one the node no longer has, with resource-not-found (-32602 + data.uri) in the %s era', async (era) => {
    const client = await connect(era);
    const before = invoker.requests.length;
    const unknown = await client.readResource({ uri: 'pi://nowhere/x' }).then(() => undefined, (e: unknown) => e);
    expect(unknown).toBeInstanceOf(ResourceNotFoundError);
    expect(unknown).toMatchObject({ code: -32602, uri: 'pi://nowhere/x' });
    expect(invoker.requests.length).toBe(before);
    const gone = await client.readResource({ uri: 'pi://sensors/gone' }).then(() => undefined, (e: unknown) => e);
    expect(gone).toMatchObject({ code: -32602, uri: 'pi://sensors/gone' });
    expect((gone as ProtocolError).message).toContain('pi://sensors/gone');
  });

  it('gets a prompt through its node and refuses an unknown prompt with -32602', async () => {
    const client = await connect('modern');
    expect((await client.listPrompts()).prompts.map((p) => p.name)).toEqual(['summarize']);
    const result = await client.getPrompt({ name: 'summarize', arguments: { uri: 'pi://logs/app' } });
    expect(result.messages).toEqual([{ role: 'user', content: { type: 'text', text: 'summarize pi://logs/app' } }]);
    const err = await client.getPrompt({ name: 'nope' }).then(() => undefined, (e: unknown) => e);
    expect((err as ProtocolError).code).toBe(-32602);
  });

  it('forwards completion to the node of the prompt and answers nothing for unknown references', async () => {
    const client = await connect('legacy');
    expect((await client.complete({ ref: { type: 'ref/prompt', name: 'summarize' }, argument: { name: 'uri', value: 'pi' } })).completion.values).toEqual(['pi://logs/app']);
    expect((await client.complete({ ref: { type: 'ref/prompt', name: 'other' }, argument: { name: 'x', value: '' } })).completion.values).toEqual([]);
  });

  it('acknowledges a subscription to a known resource and refuses an unknown one', async () => {
    const client = await connect('legacy');
    await expect(client.subscribeResource({ uri: 'pi://logs/app' })).resolves.toBeDefined();
    await expect(client.unsubscribeResource({ uri: 'pi://logs/app' })).resolves.toBeDefined();
    const err = await client.subscribeResource({ uri: 'pi://nowhere' }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ResourceNotFoundError);
  });

  it('relays a tool\'s log messages at or above the level the client set', async () => {
    const client = await connect('legacy');
    const received: unknown[] = [];
    client.setNotificationHandler('notifications/message', (n) => {
      received.push(n.params);
    });
    await client.setLoggingLevel('info');
    await client.callTool({ name: 'noisy.tool', arguments: {} });
    for (let i = 0; i < 50 && received.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(received).toEqual([{ level: 'info', logger: 'noisy.tool', data: 'at info' }, { level: 'error', logger: 'noisy.tool', data: 'at error' }]);
  });

  it('tells legacy sessions when the resource or prompt list changes', async () => {
    const resources = jest.fn();
    const prompts = jest.fn();
    const client = await connect('legacy', { listChanged: { resources: { onChanged: resources, debounceMs: 0 }, prompts: { onChanged: prompts, debounceMs: 0 } } });
    void client;
    await new Promise((r) => setTimeout(r, 200)); // the GET stream opens after initialized
    offerings.addResource({ uri: 'pi://logs/late', name: 'late log' });
    offerings.addPrompt({ name: 'late_prompt' });
    for (let i = 0; i < 50 && (resources.mock.calls.length === 0 || prompts.mock.calls.length === 0); i++) await new Promise((r) => setTimeout(r, 20));
    expect(resources).toHaveBeenCalled();
    expect(prompts).toHaveBeenCalled();
  });
});
