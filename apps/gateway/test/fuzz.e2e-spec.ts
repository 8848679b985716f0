import { Agent, request } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DevCredentials } from '@pimcp/gateway-server';
import { EtcdProcess } from '@pimcp/testing';
import { GatewayProcess } from './gateway-process';
import { HostileRequests } from './hostile-bodies';

/** Change PIMCP_FUZZ_SEED to explore; a failure message names the seed and the request index to replay it. */
const SEED = Number(process.env['PIMCP_FUZZ_SEED'] ?? 20261204);
const REQUESTS = Number(process.env['PIMCP_FUZZ_REQUESTS'] ?? 100_000);
const CONCURRENCY = 12;
/** RSS is measured from here on: by then V8 has grown its heap to its working size. */
const WARM_AT = Math.min(10_000, Math.floor(REQUESTS / 5));
const MAX_BODY_BYTES = 64 * 1024;
/** Growth of the gateway's RSS allowed from the warmed-up level to the end of the run. */
const RSS_GROWTH_BOUND = 96 * 1024 * 1024;
const RSS_ABSOLUTE_BOUND = 512 * 1024 * 1024;

interface Answer {
  status: number;
  error?: string;
}

describe('gateway fuzz: 100,000 malformed and hostile JSON-RPC requests', () => {
  let etcd: EtcdProcess;
  let gateway: GatewayProcess;
  let token: string;
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

  beforeAll(async () => {
    const credentials = DevCredentials.loadOrCreate(mkdtempSync(join(tmpdir(), 'pimcp-fuzz-')));
    etcd = await EtcdProcess.start();
    gateway = await GatewayProcess.start({
      PIMCP_ETCD_HOSTS: etcd.clientUrl,
      PIMCP_GATEWAY_JWT_PUBLIC_KEY_FILE: credentials.publicKeyFile,
      PIMCP_GATEWAY_INVOCATION_KEY_FILE: credentials.invocationKeyFile,
      // V8 grows its heap lazily while there is room (RSS alone cannot tell garbage from a leak): with the old space
      // capped, anything the gateway kept per request would end in an out-of-memory crash, which the test catches.
      NODE_OPTIONS: '--max-old-space-size=160',
      PIMCP_GATEWAY_MAX_BODY_BYTES: String(MAX_BODY_BYTES),
      // The fuzzer is one subject sending far more than any client should: its budget would turn the run into 429s.
      PIMCP_GATEWAY_RATE_LIMIT_REQUESTS: '0',
    });
    token = credentials.mintToken({ subject: 'fuzzer', audience: gateway.mcpUrl });
  }, 180_000);

  afterAll(async () => {
    agent.destroy();
    await gateway?.stop();
    await etcd?.stop();
  });

  function send(url: URL, body: Buffer, headers: Record<string, string>): Promise<Answer> {
    return new Promise((resolve) => {
      const req = request(url, { method: 'POST', agent, headers: { ...headers, authorization: `Bearer ${token}`, 'content-length': String(body.length) } }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
        res.on('error', (err) => resolve({ status: res.statusCode ?? 0, error: err.message }));
      });
      // An SSE answer stays open: the status is all this test needs, so stop reading after a moment.
      req.setTimeout(10_000, () => req.destroy(new Error('no answer within 10 s')));
      req.on('error', (err) => resolve({ status: 0, error: err.message }));
      req.end(body);
    });
  }

  it('never crashes, never answers 5xx, and keeps its memory bounded', async () => {
    const url = new URL(gateway.mcpUrl);
    const hostile = new HostileRequests(SEED, MAX_BODY_BYTES);
    const byStatus = new Map<number, number>();
    const failures: string[] = [];
    const rss: number[] = [];
    let warmRss = 0;
    const slow: string[] = [];
    let next = 0;
    const started = Date.now();

    const worker = async () => {
      while (next < REQUESTS) {
        const index = next++;
        const { kind, body, headers } = hostile.next();
        const sentAt = Date.now();
        const answer = await send(url, body, headers);
        const took = Date.now() - sentAt;
        if (took > 1000 && slow.length < 10) slow.push(`#${index} ${kind} ${took} ms ${answer.status} ${body.subarray(0, 120).toString()}`);
        byStatus.set(answer.status, (byStatus.get(answer.status) ?? 0) + 1);
        if (answer.status >= 500 || answer.status === 0) {
          if (failures.length < 20) failures.push(`#${index} ${kind}: ${answer.status} ${answer.error ?? ''} (seed ${SEED})`);
        }
        if (index === WARM_AT) warmRss = gateway.rssBytes();
        if (index % 5000 === 0) rss.push(gateway.rssBytes());
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    rss.push(gateway.rssBytes());
    const seconds = (Date.now() - started) / 1000;
    const mb = (n: number) => Math.round(n / 1024 / 1024);
    console.log(`fuzz: ${REQUESTS} requests in ${seconds.toFixed(1)} s (${Math.round(REQUESTS / seconds)}/s); statuses ${JSON.stringify(Object.fromEntries(byStatus))}; `
      + `RSS MB warm ${mb(warmRss)}, samples ${rss.map(mb).join(' ')}; slowest: ${slow.join(' | ')}`);
    if (failures.length > 0) console.log(`gateway output (tail): ${gateway.log.slice(-3000)}`);

    expect(failures).toEqual([]);
    expect(gateway.alive).toBe(true);
    expect(Math.max(...rss)).toBeLessThan(RSS_ABSOLUTE_BOUND);
    expect((rss.at(-1) ?? 0) - warmRss).toBeLessThan(RSS_GROWTH_BOUND);
    // Still serving a well-formed request afterwards.
    const ok = await send(url, Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: {
      'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientInfo': { name: 'fuzz', version: '1' }, 'io.modelcontextprotocol/clientCapabilities': {},
    } } })), { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/list' });
    expect(ok.status).toBe(200);
  }, 900_000);
});
