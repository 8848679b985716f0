#!/usr/bin/env node
// Benchmark: one tool call (system.info) through the gateway versus the same call made directly to the
// node's own MCP endpoint, in the same run. Reports p50/p99 latency (sequential), calls per second with
// 16 concurrent clients, and RSS. Usage: node tools/bench/gateway-vs-direct.mjs [--calls 2000]
// Needs `npx nx run-many -t build -p cli edge-node` first.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(join(root, 'package.json'));
const { Client, StreamableHTTPClientTransport } = require('@modelcontextprotocol/client');

const calls = Number(process.argv[process.argv.indexOf('--calls') + 1] || 2000);
const concurrency = 16;
const cwd = mkdtempSync(join(tmpdir(), 'pimcp-bench-'));
const children = [];

function start(app, args, env) {
  const child = spawn(process.execPath, [join(root, 'dist/apps', app, 'main.js'), ...args], { cwd, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.output = '';
  child.stdout.on('data', (d) => (child.output += d));
  child.stderr.on('data', (d) => (child.output += d));
  children.push(child);
  return child;
}
process.on('exit', () => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));

async function waitFor(child, pattern) {
  for (let i = 0; i < 400; i++) {
    const m = pattern.exec(child.output);
    if (m) return m[1];
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${pattern}:\n${child.output}`);
}

const rssMiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function client(url, token) {
  const c = new Client({ name: 'bench', version: '1' });
  const headers = token ? { authorization: `Bearer ${token}` } : {};
  await c.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return c;
}

async function measure(label, url, token, tool) {
  const c = await client(url, token);
  for (let i = 0; i < 200; i++) await c.callTool({ name: tool, arguments: {} }); // warm-up
  const latencies = [];
  for (let i = 0; i < calls; i++) {
    const t0 = process.hrtime.bigint();
    await c.callTool({ name: tool, arguments: {} });
    latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  latencies.sort((a, b) => a - b);
  const pool = await Promise.all(Array.from({ length: concurrency }, () => client(url, token)));
  let done = 0;
  const t0 = Date.now();
  await Promise.all(pool.map(async (pc) => {
    while (done < calls) {
      done++;
      await pc.callTool({ name: tool, arguments: {} });
    }
  }));
  const perSecond = calls / ((Date.now() - t0) / 1000);
  await Promise.all([c, ...pool].map((x) => x.close()));
  return { label, p50: pct(latencies, 50), p99: pct(latencies, 99), perSecond };
}

const up = start('cli', ['up', '--nodes', '0'], { PIMCP_GATEWAY_PORT: '0', PIMCP_REGISTRY_HTTP_PORT: '0', PIMCP_REGISTRY_LINK_PORT: '0', PIMCP_CONTEXT_SYNC_HTTP_PORT: '0' });
const mcpUrl = await waitFor(up, /MCP endpoint: +(\S+)/);
const registryLink = await waitFor(up, /node link: +(\S+)/);
const token = readFileSync(join(cwd, '.pimcp/dev-token'), 'utf8').trim();
const node = start('edge-node', [], { PIMCP_NODE_ID: 'bench', PIMCP_REGISTRY_URL: registryLink, PIMCP_NODE_MCP_ENABLED: 'true', PIMCP_NODE_MCP_PORT: '0' });
const directUrl = await waitFor(node, /local MCP (http:\/\/[\d.:]+\/mcp)/);
for (let i = 0; i < 100; i++) {
  const c = await client(mcpUrl, token);
  const names = (await c.listTools()).tools.map((t) => t.name);
  await c.close();
  if (names.includes('bench.system.info')) break;
  await new Promise((r) => setTimeout(r, 100));
}
const idle = { gateway: rssMiB(up.pid), node: rssMiB(node.pid) };
const direct = await measure('direct to the node', directUrl, undefined, 'system.info');
const viaGateway = await measure('through the gateway', mcpUrl, token, 'system.info');
const loaded = { gateway: rssMiB(up.pid), node: rssMiB(node.pid) };

const f = (n) => n.toFixed(2);
console.log(`machine: ${cpus().length} x ${cpus()[0].model}, node ${process.version}; ${calls} sequential calls, then ${calls} calls from ${concurrency} concurrent clients; 2025-11-25 era sessions`);
console.log('| path | p50 ms | p99 ms | calls/s (16 clients) |');
console.log('| --- | --- | --- | --- |');
for (const r of [direct, viaGateway]) console.log(`| ${r.label} | ${f(r.p50)} | ${f(r.p99)} | ${r.perSecond.toFixed(0)} |`);
console.log(`| ratio gateway / direct | ${f(viaGateway.p50 / direct.p50)}x | ${f(viaGateway.p99 / direct.p99)}x | ${f(viaGateway.perSecond / direct.perSecond)}x |`);
console.log(`RSS MiB: gateway+registry process idle ${f(idle.gateway)}, after ${f(loaded.gateway)}; edge node idle ${f(idle.node)}, after ${f(loaded.node)}`);
process.exit(0);
