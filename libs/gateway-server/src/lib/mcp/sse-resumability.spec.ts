import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemorySessionStore } from '@pimcp/session-store';
import { FakeToolCatalog } from '../../test-support/fake-tool-catalog';
import { FakeOfferingCatalog } from '../../test-support/fake-offering-catalog';
import { ScriptedNodeInvoker } from '../../test-support/scripted-node-invoker';
import { DevCredentials } from '../auth/dev-credentials';
import { bootstrapGateway, type RunningGateway } from '../bootstrap-gateway';
import { gatewayConfig } from '../config/gateway.config';

/** Reads an SSE response until `until` matches the text so far, then drops the connection. */
async function readUntil(res: Response, until: RegExp, abort: AbortController): Promise<string> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!until.test(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  abort.abort();
  return text;
}

describe('2025-era SSE resumability (Last-Event-ID)', () => {
  const credentials = DevCredentials.loadOrCreate(mkdtempSync(join(tmpdir(), 'pimcp-sse-')));
  const catalog = new FakeToolCatalog();
  const offerings = new FakeOfferingCatalog();
  const invoker = new ScriptedNodeInvoker();
  let gateway: RunningGateway;
  let headers: Record<string, string>;

  beforeAll(async () => {
    catalog.add({ name: 'slow.steps', description: 'two steps', version: '1.0.0', costClass: 'light', inputSchema: { type: 'object' } });
    invoker.on('slow.steps', async (_req, opts) => {
      opts.onProgress({ type: 'progress', progress: 1, total: 2 });
      await new Promise((r) => setTimeout(r, 400));
      opts.onProgress({ type: 'progress', progress: 2, total: 2 });
      return { content: [{ type: 'text', text: 'both steps done' }] };
    });
    const config = gatewayConfig.load({ env: { PIMCP_GATEWAY_PORT: '0', PIMCP_GATEWAY_JWT_PUBLIC_KEY_FILE: credentials.publicKeyFile } });
    gateway = await bootstrapGateway({ config, catalog, offerings, invoker, sessions: new InMemorySessionStore(), logger: false });
    headers = {
      'content-type': 'application/json', accept: 'application/json, text/event-stream',
      authorization: `Bearer ${credentials.mintToken({ subject: 'sse', audience: gateway.mcpUrl })}`,
    };
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('replays what a dropped call stream missed when the client comes back with Last-Event-ID', async () => {
    const init = await fetch(gateway.mcpUrl, { method: 'POST', headers, body: JSON.stringify({
      jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
    }) });
    const sessionId = init.headers.get('mcp-session-id') as string;
    await init.text();
    const inSession = { ...headers, 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' };
    await (await fetch(gateway.mcpUrl, { method: 'POST', headers: inSession, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) })).text();

    const first = new AbortController();
    const call = await fetch(gateway.mcpUrl, { method: 'POST', headers: inSession, signal: first.signal, body: JSON.stringify({
      jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'slow.steps', arguments: {}, _meta: { progressToken: 'p' } },
    }) });
    const seen = await readUntil(call, /"progress":1/, first);
    const lastEventId = [...seen.matchAll(/^id: (.+)$/gm)].at(-1)?.[1] as string;
    expect(lastEventId).toBeDefined();

    await new Promise((r) => setTimeout(r, 600));
    const resumed = new AbortController();
    const replay = await fetch(gateway.mcpUrl, { method: 'GET', headers: { ...inSession, 'last-event-id': lastEventId }, signal: resumed.signal });
    const rest = await readUntil(replay, /both steps done/, resumed);
    expect(rest).toContain('"progress":2');
    expect(rest).toContain('both steps done');
  });
});
