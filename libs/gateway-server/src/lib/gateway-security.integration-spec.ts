import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { defineTool } from '@pimcp/plugin-sdk';
// The security suite runs the gateway against a real registry and a real node; production code never imports them.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { bootstrapEdgeNode, edgeNodeConfig, type RunningEdgeNode } from '@pimcp/edge-node-server';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { bootstrapRegistry, registryConfig, type RunningRegistry } from '@pimcp/registry-server';
import { EtcdProcess, pollUntil, RedisProcess } from '@pimcp/testing';
import { exportJWK } from 'jose';
import { HostileTokens, type TokenClaims } from '../test-support/hostile-tokens';
import { DEV_ISSUER, DevCredentials } from './auth/dev-credentials';
import type { RunningGateway } from './bootstrap-gateway';
import { gatewayConfig } from './config/gateway.config';
import { startGatewayRuntime } from './gateway-runtime';

/** Every call of the side-effect tool lands here: the proof that a refused call never ran. */
const sideEffects: string[] = [];
const nodeTools = [
  defineTool<{ note: string }>({
    name: 'test.mark', description: 'Records a note (a side effect the tests can observe)', version: '1.0.0', costClass: 'light',
    inputSchema: { type: 'object', properties: { note: { type: 'string' } }, required: ['note'] },
    handler: async ({ note }) => {
      sideEffects.push(note);
      return { content: [{ type: 'text', text: `marked ${note}` }] };
    },
  }),
];

const modernEnvelope = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientInfo': { name: 'security-suite', version: '1' },
  'io.modelcontextprotocol/clientCapabilities': {},
};

describe('gateway security (real etcd, registry, node and Redis)', () => {
  const credentials = DevCredentials.loadOrCreate(mkdtempSync(join(tmpdir(), 'pimcp-sec-')));
  const tokens = new HostileTokens(credentials.privateKeyPem, credentials.publicKeyPem);
  let etcd: EtcdProcess;
  let redis: RedisProcess;
  let registry: RunningRegistry;
  let node: RunningEdgeNode;
  let gateway: RunningGateway;
  const clients: Client[] = [];
  const claims = (scopes?: readonly string[], subject = 'alice'): TokenClaims => ({ issuer: DEV_ISSUER, audience: gateway.mcpUrl, subject, ...(scopes ? { scopes } : {}) });

  async function startGateway(env: Record<string, string>): Promise<RunningGateway> {
    const config = gatewayConfig.load({ env: { PIMCP_GATEWAY_PORT: '0', PIMCP_ETCD_HOSTS: etcd.clientUrl, PIMCP_GATEWAY_INVOCATION_KEY_FILE: credentials.invocationKeyFile, ...env } });
    const started = await startGatewayRuntime({ config, logger: false });
    // The catalog arrives through the etcd watch.
    const admin = credentials.mintToken({ subject: 'admin', audience: started.mcpUrl });
    await pollUntil(async () => (await rpc(started, admin, 'tools/list')).body?.result?.tools?.some((t: { name: string }) => t.name === 'test.mark'), { timeoutMs: 20_000, description: 'test.mark in the gateway catalog' });
    return started;
  }

  beforeAll(async () => {
    etcd = await EtcdProcess.start();
    redis = await RedisProcess.start();
    registry = await bootstrapRegistry({
      config: registryConfig.load({ env: { PIMCP_ETCD_HOSTS: etcd.clientUrl, PIMCP_REGISTRY_HTTP_PORT: '0', PIMCP_REGISTRY_LINK_PORT: '0' } }), logger: false,
    });
    node = await bootstrapEdgeNode({
      config: edgeNodeConfig.load({ env: {
        PIMCP_NODE_ID: 'pi-sec', PIMCP_NODE_LINK_PORT: '0', PIMCP_REGISTRY_URL: `tcp://${registry.link.host}:${registry.link.port}`,
        PIMCP_NODE_INVOCATION_KEYS_FILE: credentials.invocationPublicKeyFile,
      } }),
      tools: nodeTools, logger: false,
    });
    gateway = await startGateway({
      PIMCP_GATEWAY_JWT_PUBLIC_KEY_FILE: credentials.publicKeyFile,
      PIMCP_GATEWAY_TOOL_SETS: JSON.stringify({ ops: ['test.*', 'context:read'] }),
      PIMCP_GATEWAY_AUTHORIZATION_SERVERS: 'https://idp.example.test/realms/pimcp',
    });
  }, 120_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await gateway?.close();
    await node?.shutdown();
    await registry?.close();
    await redis?.stop();
    await etcd?.stop();
  });

  const prmUrl = () => `${new URL(gateway.mcpUrl).origin}/.well-known/oauth-protected-resource/mcp`;

  describe('authentication', () => {
    it('refuses a request without a token with 401 and a challenge naming the metadata and scopes', async () => {
      const res = await fetch(gateway.mcpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(res.status).toBe(401);
      const challenge = res.headers.get('www-authenticate') ?? '';
      expect(challenge).toMatch(/^Bearer /);
      expect(challenge).toContain(`resource_metadata="${prmUrl()}"`);
      expect(challenge).toMatch(/scope="[^"]*tools:\*[^"]*"/);
      expect(challenge).not.toContain('error=');
    });

    it.each([
      ['expired', () => tokens.expired(claims()), /expired/],
      ['not yet valid', () => tokens.notYetValid(claims()), /not yet valid/],
      ['wrong issuer', () => tokens.valid({ ...claims(), issuer: 'https://evil.example' }), /issuer/],
      ['wrong audience', () => tokens.valid({ ...claims(), audience: 'http://elsewhere.example/mcp' }), /audience/],
      ['wrong signature', () => tokens.wrongSignature(claims()), /signature invalid/],
      ['alg none', async () => tokens.algNone(claims()), /algorithm not allowed/],
      ['HS256 keyed with the public key (confusion)', () => tokens.hs256WithPublicKey(claims()), /algorithm not allowed/],
      ['RS256 when only ES256 is allowed', () => tokens.rs256(claims()), /algorithm not allowed/],
      ['garbage', async () => 'not.a.jwt', /malformed/],
    ])('refuses a %s token with 401 invalid_token, and never echoes it', async (_name, make, reason) => {
      const token = await make();
      const res = await rpc(gateway, token, 'tools/list');
      expect(res.status).toBe(401);
      const challenge = res.headers.get('www-authenticate') ?? '';
      expect(challenge).toContain('error="invalid_token"');
      expect(challenge).toMatch(reason);
      expect(challenge).toContain(`resource_metadata="${prmUrl()}"`);
      expect(JSON.stringify(res.body)).toMatch(reason);
      expect(JSON.stringify(res.body) + challenge).not.toContain(token);
    });

    it('accepts a valid token (the matrix above fails for its one reason only)', async () => {
      expect((await rpc(gateway, await tokens.valid(claims(['tools:*'])), 'tools/list')).status).toBe(200);
    });

    it('refuses a token in the query string with 400 pointing at the Authorization header', async () => {
      const token = credentials.mintToken({ subject: 'alice', audience: gateway.mcpUrl });
      const res = await fetch(`${gateway.mcpUrl}?access_token=${token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/Authorization header/);
    });
  });

  describe('Protected Resource Metadata (RFC 9728)', () => {
    it.each(['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp'])('serves the document at %s', async (path) => {
      const res = await fetch(`${new URL(gateway.mcpUrl).origin}${path}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        resource: gateway.mcpUrl,
        authorization_servers: ['https://idp.example.test/realms/pimcp'],
        scopes_supported: ['tools:*', 'resources:*', 'prompts:*', 'context:read', 'context:write', 'toolset:ops'],
        bearer_methods_supported: ['header'],
        resource_name: 'PiMCP gateway',
      });
    });
  });

  describe('scopes', () => {
    it('answers 403 insufficient_scope naming the scope, and the tool does not run', async () => {
      const token = await tokens.valid(claims(['tools:system.info']));
      const before = sideEffects.length;
      for (const name of ['test.mark', 'pi-sec.test.mark']) {
        const res = await rpc(gateway, token, 'tools/call', { name, arguments: { note: `refused-${name}` } });
        expect(res.status).toBe(403);
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer error="insufficient_scope", error_description="[^"]+", scope="tools:test\.mark", resource_metadata="/);
        expect(res.body.error).toMatchObject({ code: -32003, data: { scope: 'tools:test.mark' } });
      }
      // A batch hides nothing: one refused member refuses the request.
      const batch = await rpcRaw(gateway, token, JSON.stringify([{ jsonrpc: '2.0', id: 1, method: 'tools/list' }, { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'test.mark', arguments: { note: 'batched' } } }]));
      expect(batch.status).toBe(403);
      // cluster.map cannot be used to reach a tool the token may not call.
      const viaMap = await rpc(gateway, await tokens.valid(claims(['tools:cluster.map'])), 'tools/call', { name: 'cluster.map', arguments: { tool: 'test.mark', arguments: { note: 'mapped' } } });
      expect(viaMap.status).toBe(403);
      expect(viaMap.body.error.data).toEqual({ scope: 'tools:test.mark' });
      await new Promise((r) => setTimeout(r, 300));
      expect(sideEffects.length).toBe(before);
    });

    it('runs the tool for a token whose wildcard or tool set grants it', async () => {
      for (const scopes of [['tools:test.*'], ['toolset:ops']]) {
        const res = await rpc(gateway, await tokens.valid(claims(scopes)), 'tools/call', { name: 'test.mark', arguments: { note: scopes[0] as string } });
        expect(res.status).toBe(200);
        expect(res.body.result.isError).toBeFalsy();
      }
      expect(sideEffects).toEqual(expect.arrayContaining(['tools:test.*', 'toolset:ops']));
    });

    it('guards the shared context with context:read and context:write', async () => {
      const reader = await tokens.valid(claims(['context:read']));
      const put = await rpc(gateway, reader, 'tools/call', { name: 'context.put', arguments: { key: 'k', value: 1 } });
      expect(put.status).toBe(403);
      expect(put.body.error.data).toEqual({ scope: 'context:write' });
      expect((await rpc(gateway, reader, 'tools/call', { name: 'context.list', arguments: {} })).status).toBe(200);
      expect((await rpc(gateway, await tokens.valid(claims(['tools:*'])), 'resources/read', { uri: 'context://shared' })).status).toBe(403);
    });

    it.each(['legacy', 'modern'] as const)('lists only the tools the token allows (%s era)', async (era) => {
      const limited = await connect(era, await tokens.valid(claims(['tools:system.info', 'context:read'])));
      const names = (await limited.listTools()).tools.map((t) => t.name);
      expect(names).toEqual(expect.arrayContaining(['system.info', 'pi-sec.system.info', 'context.get', 'context.list']));
      expect(names.filter((n) => n.includes('test.mark') || n === 'context.put' || n === 'cluster.map')).toEqual([]);
      const ops = await connect(era, await tokens.valid(claims(['toolset:ops'])));
      expect((await ops.listTools()).tools.map((t) => t.name).sort()).toEqual(['context.get', 'context.list', 'pi-sec.test.mark', 'test.mark']);
      const nothing = await connect(era, await tokens.valid(claims([])));
      expect((await nothing.listTools()).tools).toEqual([]);
    });
  });

  describe('rate limits', () => {
    let limited: RunningGateway;

    beforeAll(async () => {
      limited = await startGateway({
        PIMCP_GATEWAY_JWT_PUBLIC_KEY_FILE: credentials.publicKeyFile, PIMCP_REDIS_URL: redis.url,
        PIMCP_GATEWAY_RATE_LIMIT_REQUESTS: '20', PIMCP_GATEWAY_RATE_LIMIT_WINDOW_SECONDS: '60',
      });
    }, 60_000);

    afterAll(async () => {
      await limited?.close();
    });

    it('answers 429 with Retry-After to the subject over its budget (counted in Redis), while another subject is served', async () => {
      const greedy = credentials.mintToken({ subject: 'greedy', audience: limited.mcpUrl });
      const polite = credentials.mintToken({ subject: 'polite', audience: limited.mcpUrl });
      const statuses: number[] = [];
      for (let i = 0; i < 25; i++) statuses.push((await rpc(limited, greedy, 'tools/list')).status);
      // startGateway's own polling used the admin subject, not these.
      expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
      expect(statuses.slice(20)).toEqual([429, 429, 429, 429, 429]);
      const refused = await rpc(limited, greedy, 'tools/list');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(refused.body.error.message).toMatch(/Rate limit exceeded: 20 requests per 60 s/);
      expect((await rpc(limited, polite, 'tools/list')).status).toBe(200);
      expect(await redisKeys(redis)).toEqual(expect.arrayContaining([expect.stringContaining('greedy')]));
    });
  });

  describe('JWKS with key rotation', () => {
    let jwksServer: Server;
    let jwks: { keys: unknown[] } = { keys: [] };
    let jwksGateway: RunningGateway;
    const issuer = 'https://idp.example.test/realms/pimcp';
    const keyA = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const keyB = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const publish = async (...keys: Array<[string, KeyObject]>) => {
      jwks = { keys: await Promise.all(keys.map(async ([kid, key]) => ({ ...(await exportJWK(key)), kid, alg: 'ES256', use: 'sig' }))) };
    };

    beforeAll(async () => {
      await publish(['key-a', keyA.publicKey]);
      jwksServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks)));
      await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;
      const config = gatewayConfig.load({ env: {
        PIMCP_GATEWAY_PORT: '0', PIMCP_ETCD_HOSTS: etcd.clientUrl, PIMCP_GATEWAY_INVOCATION_KEY_FILE: credentials.invocationKeyFile, PIMCP_GATEWAY_JWKS_URL: url, PIMCP_GATEWAY_JWKS_COOLDOWN_SECONDS: '0', PIMCP_GATEWAY_JWT_ISSUER: issuer,
      } });
      jwksGateway = await startGatewayRuntime({ config, logger: false });
    }, 60_000);

    afterAll(async () => {
      await jwksGateway?.close();
      jwksServer?.closeAllConnections();
      await new Promise((resolve) => jwksServer?.close(resolve));
    });

    it('accepts the published key, refuses an unknown kid, and accepts it once the JWKS publishes it', async () => {
      const tokenClaims = { issuer, audience: jwksGateway.mcpUrl, scopes: ['tools:*'] };
      const signedA = await tokens.valid(tokenClaims, { kid: 'key-a', key: keyA.privateKey });
      const signedB = await tokens.valid(tokenClaims, { kid: 'key-b', key: keyB.privateKey });
      expect((await rpc(jwksGateway, signedA, 'tools/list')).status).toBe(200);
      const before = await rpc(jwksGateway, signedB, 'tools/list');
      expect(before.status).toBe(401);
      expect(before.headers.get('www-authenticate')).toContain('no trusted key matches');
      await publish(['key-b', keyB.publicKey]);
      expect((await rpc(jwksGateway, signedB, 'tools/list')).status).toBe(200);
      // Key A was rotated out: after the refetch it no longer verifies.
      expect((await rpc(jwksGateway, signedA, 'tools/list')).status).toBe(401);
    });
  });

  async function connect(era: 'legacy' | 'modern', bearer: string): Promise<Client> {
    const client = new Client({ name: `sec-${era}`, version: '1' }, era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } as never : {});
    await client.connect(new StreamableHTTPClientTransport(new URL(gateway.mcpUrl), { requestInit: { headers: { authorization: `Bearer ${bearer}` } } }));
    clients.push(client);
    return client;
  }
});

interface RpcAnswer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

let rpcId = 0;
/** One stateless (2026-07-28) JSON-RPC request, answered as JSON. */
function rpc(target: RunningGateway, token: string, method: string, params: Record<string, unknown> = {}): Promise<RpcAnswer> {
  const name = params['name'] ?? params['uri'];
  return rpcRaw(target, token, JSON.stringify({ jsonrpc: '2.0', id: ++rpcId, method, params: { ...params, _meta: modernEnvelope } }), method, typeof name === 'string' ? name : undefined);
}

async function rpcRaw(target: RunningGateway, token: string, body: string, method = 'batch', name?: string): Promise<RpcAnswer> {
  const res = await fetch(target.mcpUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}`,
      'mcp-protocol-version': '2026-07-28', 'mcp-method': method, ...(name ? { 'mcp-name': name } : {}),
    },
    body,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: parseAnswer(text) };
}

/** A JSON body, or the last `data:` event of an SSE answer. */
function parseAnswer(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const data = text.split('\n').filter((l) => l.startsWith('data:')).pop();
    return data ? JSON.parse(data.slice(5)) : text;
  }
}

async function redisKeys(redis: RedisProcess): Promise<string[]> {
  const { default: Redis } = await import('ioredis');
  const client = new Redis(redis.url);
  try {
    return await client.keys('pimcp:v1:ratelimit:*');
  } finally {
    client.disconnect();
  }
}
