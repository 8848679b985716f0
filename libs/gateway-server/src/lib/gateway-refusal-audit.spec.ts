import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AuditRecord, MemoryAuditLog } from '@pimcp/audit';
import { argumentsHash } from '@pimcp/node-link';
import { InMemorySessionStore } from '@pimcp/session-store';
import { pollUntil } from '@pimcp/testing';
import { FakeOfferingCatalog } from '../test-support/fake-offering-catalog';
import { FakeToolCatalog } from '../test-support/fake-tool-catalog';
import { ScriptedNodeInvoker } from '../test-support/scripted-node-invoker';
import { DevCredentials } from './auth/dev-credentials';
import { bootstrapGateway, type RunningGateway } from './bootstrap-gateway';
import { RefusalAuditor } from './calls/refusal-auditor';
import { gatewayConfig } from './config/gateway.config';

const RATE_LIMIT = 3;

describe('gateway: tools/call refused at the door leaves an audit record (unit tier: fake catalog and node invoker)', () => {
  const credentials = DevCredentials.loadOrCreate(mkdtempSync(join(tmpdir(), 'pimcp-refusals-')));
  const audit = new MemoryAuditLog();
  const invoker = new ScriptedNodeInvoker();
  let gateway: RunningGateway;

  beforeAll(async () => {
    const catalog = new FakeToolCatalog();
    catalog.add({ name: 'text.echo', description: 'Echo', version: '1.0.0', costClass: 'light', inputSchema: { type: 'object' } });
    invoker.on('text.echo', async () => ({ content: [{ type: 'text', text: 'ran' }] }));
    const config = gatewayConfig.load({ env: {
      PIMCP_GATEWAY_PORT: '0', PIMCP_GATEWAY_JWT_PUBLIC_KEY_FILE: credentials.publicKeyFile,
      PIMCP_GATEWAY_RATE_LIMIT_REQUESTS: String(RATE_LIMIT), PIMCP_GATEWAY_RATE_LIMIT_WINDOW_SECONDS: '600',
    } });
    gateway = await bootstrapGateway({ config, catalog, offerings: new FakeOfferingCatalog(), invoker, sessions: new InMemorySessionStore(), audit, logger: false });
  });

  afterAll(async () => {
    await gateway?.close();
  });

  const call = (token: string, note: string) => fetch(gateway.mcpUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}`,
      'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'text.echo',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'text.echo', arguments: { note }, _meta: {
      'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientInfo': { name: 'refusals', version: '1' }, 'io.modelcontextprotocol/clientCapabilities': {},
    } } }),
  });
  const recordsOf = (subject: string, count: number) => pollUntil(async () => {
    const found = (await audit.query({ subject })).filter((r: AuditRecord) => r.subject === subject);
    return found.length >= count ? found : undefined;
  }, { timeoutMs: 3000, description: `${count} audit records of ${subject}` });

  it('records a 403 insufficient_scope call as denied, with its arguments hash and never the token', async () => {
    const token = credentials.mintToken({ subject: 'narrow', audience: gateway.mcpUrl, scopes: ['tools:other.*'] });
    expect((await call(token, 'secret-note')).status).toBe(403);
    const [record] = await recordsOf('narrow', 1);
    expect(record).toMatchObject({ subject: 'narrow', capability: 'text.echo', outcome: 'denied', errorCode: 'INSUFFICIENT_SCOPE', argumentsHash: argumentsHash({ note: 'secret-note' }) });
    expect(record?.arguments).toBeUndefined();
    expect(JSON.stringify(record)).not.toContain(token);
    expect(invoker.calls).toHaveLength(0);
  });

  it('records a 429 call as rate-limited, at most once a second per subject, and the allowed calls as ok', async () => {
    const token = credentials.mintToken({ subject: 'greedy', audience: gateway.mcpUrl });
    const statuses: number[] = [];
    for (let i = 0; i < RATE_LIMIT + 3; i++) statuses.push((await call(token, `n${i}`)).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429]);
    const records = await recordsOf('greedy', RATE_LIMIT + 1);
    await new Promise((r) => setTimeout(r, 100)); // nothing more arrives: the two later refusals were throttled
    const outcomes = (await audit.query({ subject: 'greedy' })).map((r) => r.outcome).sort();
    expect(outcomes).toEqual(['ok', 'ok', 'ok', 'rate-limited']);
    const limited = records.find((r) => r.outcome === 'rate-limited');
    expect(limited).toMatchObject({ capability: 'text.echo', errorCode: 'RATE_LIMITED' });
    expect(limited?.argumentsHash).toBeUndefined();
    expect(JSON.stringify(limited)).not.toContain(token);
  });
});

describe(RefusalAuditor.name, () => {
  it('throttles rate-limited records per subject and issuer, not across subjects', async () => {
    const log = new MemoryAuditLog();
    let now = 1_000_000;
    const auditor = new RefusalAuditor(log, { includeArguments: false, rateLimitedEveryMs: 1000, now: () => now });
    const alice = { token: 'never-stored', clientId: 'c', scopes: [], extra: { subject: 'alice', issuer: 'i' } };
    const bob = { ...alice, extra: { subject: 'bob', issuer: 'i' } };
    auditor.rateLimited(alice, 'a.b');
    auditor.rateLimited(alice, 'a.b');
    auditor.rateLimited(bob, 'a.b');
    now += 1000;
    auditor.rateLimited(alice, undefined);
    const records = await pollUntil(async () => {
      const found = await log.query({});
      return found.length === 3 ? found : undefined;
    }, { timeoutMs: 2000, description: 'three records' });
    expect(records.map((r) => `${r.subject}:${r.capability}`).sort()).toEqual(['alice:(unnamed)', 'alice:a.b', 'bob:a.b']);
    expect(JSON.stringify(records)).not.toContain('never-stored');
  });

  it('stores denied calls\' argument values only when configured', async () => {
    const log = new MemoryAuditLog();
    new RefusalAuditor(log, { includeArguments: true }).denied(undefined, [{ name: 'x.y', arguments: { a: 1 } }]);
    const [record] = await pollUntil(async () => {
      const found = await log.query({});
      return found.length === 1 ? found : undefined;
    }, { timeoutMs: 2000, description: 'one record' });
    expect(record).toMatchObject({ subject: 'anonymous', capability: 'x.y', outcome: 'denied', arguments: { a: 1 } });
  });

  it('leaves at most 32 denied records for a refused batch, however many calls it held', async () => {
    const log = new MemoryAuditLog();
    new RefusalAuditor(log, { includeArguments: false }).denied(undefined, Array.from({ length: 500 }, (_, i) => ({ name: `t.${i}`, arguments: {} })));
    await pollUntil(async () => ((await log.query({ limit: 1000 })).length >= 32 ? true : undefined), { timeoutMs: 2000, description: '32 records' });
    await new Promise((r) => setTimeout(r, 50));
    expect(await log.query({ limit: 1000 })).toHaveLength(32);
  });
});
