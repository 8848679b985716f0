import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, ResourceNotFoundError, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { InMemoryContextStore } from '@pimcp/context-store';
import { InMemorySessionStore } from '@pimcp/session-store';
import { pollUntil } from '@pimcp/testing';
import { FakeOfferingCatalog } from '../../test-support/fake-offering-catalog';
import { FakeToolCatalog } from '../../test-support/fake-tool-catalog';
import { ScriptedNodeInvoker } from '../../test-support/scripted-node-invoker';
import { DevCredentials } from '../auth/dev-credentials';
import { bootstrapGateway, type RunningGateway } from '../bootstrap-gateway';
import { gatewayConfig } from '../config/gateway.config';
import { contextUri, parseContextUri } from './context-uri';

const textOf = (content: unknown): string => String((content as { text?: unknown } | undefined)?.text);

describe('gateway shared contexts: context.* tools, context:// resources and their update notifications', () => {
  const credentials = DevCredentials.loadOrCreate(mkdtempSync(join(tmpdir(), 'pimcp-gw-')));
  const store = new InMemoryContextStore();
  let gateway: RunningGateway;
  let token: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    const catalog = new FakeToolCatalog();
    catalog.add({ name: 'context.get', description: 'a node tool that the reserved name shadows', version: '1.0.0', costClass: 'light', inputSchema: { type: 'object' } });
    const config = gatewayConfig.load({ env: { PIMCP_GATEWAY_PORT: '0', PIMCP_GATEWAY_JWT_PUBLIC_KEY_FILE: credentials.publicKeyFile } });
    gateway = await bootstrapGateway({
      config, catalog, offerings: new FakeOfferingCatalog(), invoker: new ScriptedNodeInvoker(), sessions: new InMemorySessionStore(), contextStore: store, logger: false,
    });
    token = credentials.mintToken({ subject: 'alice', audience: gateway.mcpUrl });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await gateway?.close();
    await store.close();
  });

  async function connect(era: 'legacy' | 'modern', options: Record<string, unknown> = {}): Promise<Client> {
    const client = new Client({ name: `test-${era}`, version: '1' }, { ...(era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {}), ...options } as never);
    await client.connect(new StreamableHTTPClientTransport(new URL(gateway.mcpUrl), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    clients.push(client);
    return client;
  }

  it('round-trips context ids and keys with "/" and ":" through context:// URIs', () => {
    expect(contextUri('team/demo', 'notes:1/a')).toBe('context://team%2Fdemo/notes%3A1%2Fa');
    expect(parseContextUri(contextUri('team/demo', 'notes:1/a'))).toEqual({ contextId: 'team/demo', key: 'notes:1/a' });
    expect(parseContextUri('context://demo')).toEqual({ contextId: 'demo' });
    expect(parseContextUri('context://')).toBeUndefined();
    expect(parseContextUri('context://demo/%E0%A4%A')).toBeUndefined();
  });

  it('lists the context tools in place of a node tool of a reserved name, and puts, gets and lists through them', async () => {
    const client = await connect('modern');
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names.filter((n) => n === 'context.get')).toHaveLength(1);
    expect(names).toEqual(expect.arrayContaining(['context.get', 'context.list', 'context.put']));
    const put = await client.callTool({ name: 'context.put', arguments: { context: 'tools-demo', key: 'plan', value: { steps: 2 } } });
    expect(put.structuredContent).toEqual({ context: 'tools-demo', key: 'plan', revision: 1 });
    expect((await client.callTool({ name: 'context.get', arguments: { context: 'tools-demo', key: 'plan' } })).structuredContent)
      .toEqual({ context: 'tools-demo', key: 'plan', found: true, value: { steps: 2 }, revision: 1 });
    expect((await client.callTool({ name: 'context.list', arguments: { context: 'tools-demo' } })).structuredContent)
      .toMatchObject({ context: 'tools-demo', revision: 1, entries: [{ key: 'plan', value: { steps: 2 }, revision: 1 }] });
  });

  it('defaults to the context named in _meta, else the caller\'s own', async () => {
    const client = await connect('legacy');
    await client.callTool({ name: 'context.put', arguments: { key: 'k', value: 'named' }, _meta: { 'io.pimcp/context': 'meta-ctx' } });
    await client.callTool({ name: 'context.put', arguments: { key: 'k', value: 'mine' } });
    expect((await store.get('meta-ctx', 'k'))?.value).toBe('named');
    expect((await store.get('client:alice', 'k'))?.value).toBe('mine');
  });

  it('answers a lost compare-and-set and a bad key with a tool error the model can read', async () => {
    const client = await connect('legacy');
    await client.callTool({ name: 'context.put', arguments: { context: 'cas', key: 'n', value: 1 } });
    const lost = await client.callTool({ name: 'context.put', arguments: { context: 'cas', key: 'n', value: 2, expectedRevision: 0 } });
    expect(lost.isError).toBe(true);
    expect(JSON.stringify(lost.content)).toMatch(/revision/);
    const bad = await client.callTool({ name: 'context.get', arguments: { context: 'cas' } });
    expect(bad.isError).toBe(true);
    expect(JSON.stringify(bad.content)).toContain('key');
  });

  it('reads a context and one key as resources, and answers a missing key with resource-not-found', async () => {
    await store.put('res-demo', 'a', { x: 1 });
    await store.put('res-demo', 'b', 'two');
    const client = await connect('legacy');
    expect((await client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate)).toEqual(expect.arrayContaining(['context://{id}', 'context://{id}/{key}']));
    const whole = await client.readResource({ uri: 'context://res-demo' });
    expect(JSON.parse(textOf(whole.contents[0]))).toEqual({ revision: 2, entries: { a: { x: 1 }, b: 'two' } });
    const one = await client.readResource({ uri: 'context://res-demo/a' });
    expect(JSON.parse(textOf(one.contents[0]))).toEqual({ x: 1 });
    await expect(client.readResource({ uri: 'context://res-demo/zzz' })).rejects.toBeInstanceOf(ResourceNotFoundError);
  });

  it('tells a legacy session subscribed to context://demo when anyone writes to it, and stops after unsubscribe', async () => {
    const updates: string[] = [];
    const client = await connect('legacy');
    client.setNotificationHandler('notifications/resources/updated', (n) => {
      updates.push(n.params.uri);
    });
    await client.subscribeResource({ uri: 'context://demo' });
    await new Promise((r) => setTimeout(r, 200)); // the GET stream opens after initialized
    await store.put('demo', 'seen', true); // as a tool on some node would
    await store.put('other', 'seen', true);
    await pollUntil(() => updates.length > 0 || undefined, { timeoutMs: 3000, description: 'resources/updated for context://demo' });
    expect(updates).toEqual(['context://demo']);
    await client.unsubscribeResource({ uri: 'context://demo' });
    await store.put('demo', 'again', true);
    await new Promise((r) => setTimeout(r, 200));
    expect(updates).toEqual(['context://demo']);
  });

  it('tells a 2026-07-28 client listening for context://live/k when that key changes', async () => {
    const updates: string[] = [];
    const client = await connect('modern');
    client.setNotificationHandler('notifications/resources/updated', (n) => {
      updates.push(n.params.uri);
    });
    const subscription = await client.listen({ resourceSubscriptions: ['context://live/k'] });
    expect(subscription.honoredFilter.resourceSubscriptions).toEqual(['context://live/k']);
    await store.put('live', 'k', 1);
    await pollUntil(() => updates.length > 0 || undefined, { timeoutMs: 3000, description: 'resources/updated on the listen stream' });
    expect(updates).toEqual(['context://live/k']);
    await subscription.close();
  });
});
