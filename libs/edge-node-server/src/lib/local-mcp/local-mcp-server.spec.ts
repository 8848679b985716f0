import { request } from 'node:http';
import { Client, ProtocolError, ResourceNotFoundError, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { NodeLinkHandlers, OfferingHost, ToolInvoker } from '@pimcp/node-link';
import { definePrompt, defineResourceTemplate, defineTool } from '@pimcp/plugin-sdk';
import { LocalMcpServer } from './local-mcp-server';

const counter = defineTool<{ to: number }>({
  name: 'test.count', description: 'counts', version: '1.0.0', costClass: 'light',
  inputSchema: { type: 'object', properties: { to: { type: 'integer', minimum: 1, maximum: 5 } }, required: ['to'] },
  handler: async ({ to }, ctx) => {
    for (let i = 1; i <= to; i++) ctx.progress(i, to);
    return { content: [{ type: 'text', text: `counted to ${to}` }] };
  },
});

const sensor = defineResourceTemplate({
  uriTemplate: 'pi://sensors/{name}', name: 'sensor', mimeType: 'text/plain',
  read: async (uri, vars) => ({ contents: [{ uri, mimeType: 'text/plain', text: `${String(vars['name'])}=21.5` }] }),
});
const greet = definePrompt({
  name: 'greet', description: 'greets', arguments: [{ name: 'who', required: true }],
  get: async (args) => ({ messages: [{ role: 'user', content: { type: 'text', text: `hello ${args['who']}` } }] }),
});

describe(LocalMcpServer.name, () => {
  let server: LocalMcpServer;
  const clients: Client[] = [];

  beforeAll(async () => {
    const handlers = new NodeLinkHandlers(new ToolInvoker([counter]), new OfferingHost({ resourceTemplates: [sensor], prompts: [greet] }));
    server = await LocalMcpServer.start(handlers, { host: '127.0.0.1', port: 0, callTimeoutMs: 5000 });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.close();
  });

  async function connect(era: 'legacy' | 'modern'): Promise<Client> {
    const client = new Client({ name: 'local-llm', version: '1' }, era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } as never : {});
    await client.connect(new StreamableHTTPClientTransport(new URL(server.url)));
    clients.push(client);
    return client;
  }

  it.each(['legacy', 'modern'] as const)('lists and calls the node\'s tools with progress (%s era)', async (era) => {
    const client = await connect(era);
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['test.count']);
    const progress: number[] = [];
    const result = await client.callTool({ name: 'test.count', arguments: { to: 3 } }, { onprogress: (p) => progress.push(p.progress) });
    expect(result.content).toEqual([{ type: 'text', text: 'counted to 3' }]);
    expect(progress).toEqual([1, 2, 3]);
  });

  it('answers an unknown tool with -32602 and bad arguments with a tool error', async () => {
    const client = await connect('legacy');
    const err = await client.callTool({ name: 'no.such', arguments: {} }).then(() => undefined, (e: unknown) => e);
    expect((err as ProtocolError).code).toBe(-32602);
    const bad = await client.callTool({ name: 'test.count', arguments: { to: 99 } });
    expect(bad.isError).toBe(true);
  });

  it('serves the node\'s resource templates and prompts to a local client', async () => {
    const client = await connect('modern');
    expect((await client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate)).toEqual(['pi://sensors/{name}']);
    expect((await client.readResource({ uri: 'pi://sensors/kitchen' })).contents).toEqual([{ uri: 'pi://sensors/kitchen', mimeType: 'text/plain', text: 'kitchen=21.5' }]);
    expect((await client.getPrompt({ name: 'greet', arguments: { who: 'pi' } })).messages).toEqual([{ role: 'user', content: { type: 'text', text: 'hello pi' } }]);
    const missing = await client.readResource({ uri: 'pi://other/x' }).then(() => undefined, (e: unknown) => e);
    expect(missing).toBeInstanceOf(ResourceNotFoundError);
    expect((missing as ResourceNotFoundError).uri).toBe('pi://other/x');
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    // fetch() will not send a forged Host header; a raw request does, as a rebinding attack would.
    const url = new URL(server.url);
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { host: 'evil.example', 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', reject);
      req.end('{"jsonrpc":"2.0","id":1,"method":"ping"}');
    });
    expect(status).toBe(403);
  });
});
