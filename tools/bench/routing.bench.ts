/**
 * Benchmark: the router (issue 4). In one run:
 * 1. routing decision cost: Router.route over 10, 100 and 1,000 providers, microseconds per decision (in process);
 * 2. throughput through the gateway with 4 nodes versus 1 (work.read, 20 ms of I/O wait per call on the node,
 *    each node taking 4 calls at once, 32 concurrent clients);
 * 3. tail latency with one slow node out of four (work.read: 10 ms on three nodes, 250 ms on one), without and
 *    with hedging (PIMCP_GATEWAY_HEDGING), p50/p99 over sequential calls.
 * Processes are the built apps (`npx nx run-many -t build -p cli edge-node` first).
 * Usage: npm run bench:routing -- [--calls 600]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createRouting } from '@pimcp/router';

const root = join(__dirname, '../..');
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const CALLS = arg('calls', 600);
const children: ChildProcess[] = [];
process.on('exit', () => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));

const quantile = (samples: number[], q: number) => [...samples].sort((a, b) => a - b)[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? NaN;
const f = (n: number, digits = 2) => n.toFixed(digits);

function decisionCost(providers: number): number {
  const { router } = createRouting();
  const nodes = Array.from({ length: providers }, (_, i) => ({
    nodeId: `node-${i}`, labels: { tier: i % 5 === 0 ? 'cloud' : 'edge', region: i % 2 === 0 ? 'tokyo' : 'osaka' }, draining: false,
  }));
  const request = { capability: { name: 'file.search', costClass: 'light' as const }, providers: nodes, callerRegion: 'tokyo' };
  for (let i = 0; i < 200; i++) router.route(request);
  const rounds = providers >= 1000 ? 2000 : 20_000;
  const started = performance.now();
  for (let i = 0; i < rounds; i++) router.route(request);
  return ((performance.now() - started) * 1000) / rounds;
}

interface Process {
  child: ChildProcess;
  output: string;
}

function start(app: string, args: string[], env: Record<string, string>, cwd: string): Process {
  const child = spawn(process.execPath, [join(root, 'dist/apps', app, 'main.js'), ...args], { cwd, env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const proc = { child, output: '' };
  child.stdout?.on('data', (d: Buffer) => (proc.output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (proc.output += d.toString()));
  children.push(child);
  return proc;
}

async function waitFor(proc: Process, pattern: RegExp): Promise<string> {
  for (let i = 0; i < 600; i++) {
    const match = pattern.exec(proc.output);
    if (match?.[1]) return match[1];
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${pattern}:\n${proc.output}`);
}

async function connect(url: string, token: string): Promise<Client> {
  const client = new Client({ name: 'bench', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  return client;
}

/** A gateway (pimcp up, embedded stores) and edge nodes running routing-fixtures with the given delays. */
async function cluster(delays: number[], gatewayEnv: Record<string, string> = {}, jitter: { jitterEvery?: number; jitterMs?: number } = {}) {
  const cwd = mkdtempSync(join(tmpdir(), 'pimcp-bench-routing-'));
  const up = start('cli', ['up', '--nodes', '0'], {
    PIMCP_GATEWAY_PORT: '0', PIMCP_REGISTRY_HTTP_PORT: '0', PIMCP_REGISTRY_LINK_PORT: '0', PIMCP_CONTEXT_SYNC_HTTP_PORT: '0', ...gatewayEnv,
  }, cwd);
  const url = await waitFor(up, /MCP endpoint: +(\S+)/);
  const link = await waitFor(up, /node link: +(\S+)/);
  const token = readFileSync(join(cwd, '.pimcp/dev-token'), 'utf8').trim();
  const nodes = delays.map((delayMs, i) => start('edge-node', [], {
    PIMCP_NODE_ID: `bench-${i + 1}`, PIMCP_REGISTRY_URL: link, PIMCP_NODE_PLUGINS: 'routing-fixtures', PIMCP_NODE_MAX_CONCURRENT_CALLS: '4',
    PIMCP_NODE_PLUGIN_CONFIG: JSON.stringify({ 'routing-fixtures': { delayMs, ...jitter } }),
  }, cwd));
  const client = await connect(url, token);
  for (let i = 0; i < 200; i++) {
    const names = (await client.listTools()).tools.map((t) => t.name);
    if (delays.every((_, n) => names.includes(`bench-${n + 1}.work.read`))) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url, token, client,
    stop: async () => {
      await client.close();
      for (const p of [...nodes, up]) p.child.kill('SIGKILL');
    },
  };
}

async function throughput(nodeCount: number): Promise<number> {
  const c = await cluster(Array.from({ length: nodeCount }, () => 20));
  try {
    const clients = await Promise.all(Array.from({ length: 32 }, () => connect(c.url, c.token)));
    for (const client of clients) await client.callTool({ name: 'work.read', arguments: {} });
    let next = 0;
    const started = performance.now();
    await Promise.all(clients.map(async (client) => {
      while (next < CALLS) {
        next++;
        await client.callTool({ name: 'work.read', arguments: {} });
      }
    }));
    const perSecond = CALLS / ((performance.now() - started) / 1000);
    await Promise.all(clients.map((client) => client.close()));
    return perSecond;
  } finally {
    await c.stop();
  }
}

/** `slowNode`: one of four nodes takes 250 ms; else every node has a 300 ms hiccup on one call in 20. */
async function tail(hedging: boolean, scenario: 'slowNode' | 'hiccups'): Promise<{ p50: number; p99: number; slowShare: number }> {
  const c = scenario === 'slowNode'
    ? await cluster([10, 10, 10, 250], { PIMCP_GATEWAY_HEDGING: String(hedging) })
    : await cluster([10, 10, 10, 10], { PIMCP_GATEWAY_HEDGING: String(hedging) }, { jitterEvery: 20, jitterMs: 300 });
  try {
    const samples: number[] = [];
    let slow = 0;
    const calls = Math.max(200, Math.floor(CALLS / 2));
    for (let i = 0; i < calls + 30; i++) {
      const started = performance.now();
      const result = await c.client.callTool({ name: 'work.read', arguments: {} });
      if (i < 30) continue; // warm-up: the router and the hedging window learn latencies
      samples.push(performance.now() - started);
      if (result._meta?.['io.pimcp/node'] === 'bench-4') slow++;
    }
    return { p50: quantile(samples, 0.5), p99: quantile(samples, 0.99), slowShare: slow / calls };
  } finally {
    await c.stop();
  }
}

async function main(): Promise<void> {
  const cost = [10, 100, 1000].map((n) => [n, decisionCost(n)] as const);
  const one = await throughput(1);
  const four = await throughput(4);
  const slow = await tail(false, 'slowNode');
  const slowHedged = await tail(true, 'slowNode');
  const hiccups = await tail(false, 'hiccups');
  const hiccupsHedged = await tail(true, 'hiccups');
  console.log(`machine: ${cpus().length} x ${cpus()[0]?.model}, node ${process.version}`);
  console.log('| decision µs (10 / 100 / 1,000 providers) | calls/s 1 node | calls/s 4 nodes | ratio | one slow node: p50 / p99 ms, share | same, hedged | hiccups: p50 / p99 ms | hiccups hedged: p50 / p99 ms | hiccups p99 ratio |');
  console.log(`| ${cost.map(([, us]) => f(us, 1)).join(' / ')} | ${f(one, 0)} | ${f(four, 0)} | ${f(four / one)}x | ${f(slow.p50)} / ${f(slow.p99)}, ${f(slow.slowShare * 100, 1)}% `
    + `| ${f(slowHedged.p50)} / ${f(slowHedged.p99)}, ${f(slowHedged.slowShare * 100, 1)}% | ${f(hiccups.p50)} / ${f(hiccups.p99)} | ${f(hiccupsHedged.p50)} / ${f(hiccupsHedged.p99)} | ${f(hiccupsHedged.p99 / hiccups.p99)}x |`);
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
