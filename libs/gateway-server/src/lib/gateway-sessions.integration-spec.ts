import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { RedisSessionStore } from '@pimcp/session-store';
import { RedisProcess } from '@pimcp/testing';
import { FakeToolCatalog } from '../test-support/fake-tool-catalog';
import { FakeOfferingCatalog } from '../test-support/fake-offering-catalog';
import { ScriptedNodeInvoker } from '../test-support/scripted-node-invoker';
import { DevCredentials } from './auth/dev-credentials';
import { bootstrapGateway, type RunningGateway } from './bootstrap-gateway';
import { gatewayConfig } from './config/gateway.config';

describe('gateway replicas sharing legacy sessions through real Redis', () => {
  const credentials = DevCredentials.loadOrCreate(mkdtempSync(join(tmpdir(), 'pimcp-gw-redis-')));
  let redis: RedisProcess;
  const replicas: RunningGateway[] = [];
  const stores: RedisSessionStore[] = [];
  const catalog = new FakeToolCatalog();
  const offerings = new FakeOfferingCatalog();
  const invoker = new ScriptedNodeInvoker();

  beforeAll(async () => {
    redis = await RedisProcess.start();
    catalog.add({ name: 'text.echo', description: 'Echo', version: '1.0.0', costClass: 'light', inputSchema: { type: 'object' } });
    invoker.on('text.echo', async () => ({ content: [{ type: 'text', text: 'ok' }] }));
    for (let i = 0; i < 2; i++) {
      const publicUrl = replicas[0]?.mcpUrl ?? '';
      const config = gatewayConfig.load({
        env: { PIMCP_GATEWAY_PORT: '0', PIMCP_GATEWAY_PUBLIC_URL: publicUrl, PIMCP_REDIS_URL: redis.url, PIMCP_GATEWAY_JWT_PUBLIC_KEY_FILE: credentials.publicKeyFile },
      });
      const sessions = new RedisSessionStore({ url: config.redisUrl });
      stores.push(sessions);
      replicas.push(await bootstrapGateway({ config, catalog, offerings, invoker, sessions, logger: false }));
    }
  });

  afterAll(async () => {
    for (const replica of replicas) await replica.close();
    for (const store of stores) await store.close();
    await redis?.stop();
  });

  it('serves every request of one session from alternating replicas, and forgets it everywhere after DELETE', async () => {
    const [a, b] = replicas as [RunningGateway, RunningGateway];
    const token = credentials.mintToken({ subject: 'bob', audience: a.mcpUrl });
    let turn = 0;
    const transport = new StreamableHTTPClientTransport(new URL(a.listenUrl), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
      fetch: (url, init) => {
        const target = new URL(url);
        if (init?.method !== 'GET') target.port = new URL((turn++ % 2 === 0 ? a : b).listenUrl).port;
        return fetch(target, init);
      },
    });
    const client = new Client({ name: 'roaming', version: '1' });
    await client.connect(transport);
    for (let i = 0; i < 4; i++) {
      expect((await client.callTool({ name: 'text.echo', arguments: {} })).content).toEqual([{ type: 'text', text: 'ok' }]);
    }
    expect(a.endpoint.legacySessionCount + b.endpoint.legacySessionCount).toBe(2);

    const sessionId = transport.sessionId as string;
    await transport.terminateSession();
    await client.close();
    expect(await stores[0]?.get(sessionId)).toBeUndefined();
    // The replica that did not receive DELETE refuses the session too: it checks the shared store.
    const stale = await fetch(b.listenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}`, 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }),
    });
    expect(stale.status).toBe(404);
  });

  it('refuses a session to a subject other than the one that opened it', async () => {
    const [a] = replicas as [RunningGateway];
    const owner = new StreamableHTTPClientTransport(new URL(a.listenUrl), { requestInit: { headers: { authorization: `Bearer ${credentials.mintToken({ subject: 'carol', audience: a.mcpUrl })}` } } });
    const client = new Client({ name: 'owner', version: '1' });
    await client.connect(owner);
    const intruderToken = credentials.mintToken({ subject: 'mallory', audience: a.mcpUrl });
    const res = await fetch(a.listenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${intruderToken}`, 'mcp-session-id': owner.sessionId as string, 'mcp-protocol-version': '2025-11-25' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(res.status).toBe(404);
    await client.close();
  });
});
