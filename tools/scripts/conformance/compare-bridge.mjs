#!/usr/bin/env node
// Runs the official MCP conformance suite twice against the reference server-everything: directly (its own
// Streamable HTTP mode) and bridged (an edge node mounts it over stdio through the mcp-bridge plugin, reached
// through the gateway of `pimcp up`), then prints both results scenario by scenario and exits 1 if any differ.
// Needs `npx nx run-many -t build -p cli edge-node` first. Usage: node tools/scripts/conformance/compare-bridge.mjs [--scenario NAME]
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../../..');
const everything = join(root, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const suiteBin = join(root, 'node_modules/@modelcontextprotocol/conformance/dist/index.js');
const children = [];
const stopAll = () => children.forEach((c) => c.exitCode === null && c.kill('SIGINT'));
process.on('exit', stopAll);

function start(args, env, cwd = root) {
  const child = spawn(process.execPath, args, { cwd, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.output = '';
  child.stdout.on('data', (d) => (child.output += d));
  child.stderr.on('data', (d) => (child.output += d));
  children.push(child);
  return child;
}

function waitFor(child, pattern, what, ms = 60_000) {
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => {
      clearInterval(check);
      reject(new Error(`${what} did not start:\n${child.output}`));
    }, ms);
    const check = setInterval(() => {
      const match = pattern.exec(child.output);
      if (!match) return;
      clearInterval(check);
      clearTimeout(deadline);
      resolve(match);
    }, 50);
  });
}

async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The suite cannot send a bearer token; this proxy adds the development one, leaving Host and Origin alone. */
async function tokenProxy(target, token) {
  const proxy = http.createServer((req, res) => {
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, authorization: `Bearer ${token}` } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (err) => res.writeHead(502).end(String(err)));
    req.pipe(upstream);
    res.on('close', () => upstream.destroy());
  });
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${proxy.address().port}${target.pathname}`, close: () => proxy.close() };
}

/** Runs the suite against url; returns scenario -> { passed, failed } from the saved checks. */
async function runSuite(url, label) {
  const out = mkdtempSync(join(tmpdir(), `pimcp-conformance-${label}-`));
  const suite = spawn(process.execPath, [suiteBin, 'server', '--url', url, '-o', out, ...process.argv.slice(2)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  suite.stdout.on('data', (d) => (output += d));
  suite.stderr.on('data', (d) => (output += d));
  await new Promise((resolve) => suite.once('exit', resolve));
  const results = new Map();
  for (const file of walk(out).filter((f) => f.endsWith('checks.json'))) {
    const scenario = scenarioOf(file, out);
    const checks = JSON.parse(readFileSync(file, 'utf8'));
    const failed = checks.filter((c) => c.status === 'FAILURE').length;
    const passed = checks.filter((c) => c.status === 'SUCCESS').length;
    const why = checks.filter((c) => c.status === 'FAILURE').map((c) => `${c.id}: ${c.errorMessage ?? JSON.stringify(c.details ?? {})}`.slice(0, 300));
    results.set(scenario, { passed, failed, why });
  }
  if (results.size === 0) throw new Error(`the suite saved no results for ${label}:\n${output}`);
  return results;
}

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** `<out>/server-<scenario>-<timestamp>/checks.json` or `<out>/<scenario>/checks.json`, depending on the suite version. */
function scenarioOf(file, out) {
  const dir = dirname(file).slice(out.length + 1).split('/')[0];
  return dir.replace(/^server-/, '').replace(/-\d{4}-\d{2}-\d{2}T[\d-]+(\.\d+)?Z?$/, '');
}

const verdict = (r) => (r ? (r.failed === 0 ? `pass (${r.passed})` : `fail (${r.passed}/${r.passed + r.failed})`) : 'not run');

// 1. server-everything on its own, over Streamable HTTP.
const port = await freePort();
const direct = start([everything, 'streamableHttp'], { PORT: String(port) });
await waitFor(direct, /listening on port/, 'server-everything');
const directUrl = `http://127.0.0.1:${port}/mcp`;

// 2. The same server bridged on an edge node of `pimcp up`, behind the gateway. No prefix, so names match.
const cwd = mkdtempSync(join(tmpdir(), 'pimcp-conformance-bridge-'));
const pluginConfig = { 'mcp-bridge': { servers: { everything: { command: [process.execPath, everything, 'stdio'] } } } };
const up = start([join(root, 'dist/apps/cli/main.js'), 'up', '--nodes', '1'], {
  PIMCP_GATEWAY_PORT: '0', PIMCP_REGISTRY_HTTP_PORT: '0', PIMCP_REGISTRY_LINK_PORT: '0', PIMCP_CONTEXT_SYNC_HTTP_PORT: '0',
  PIMCP_NODE_PLUGINS: 'mcp-bridge', PIMCP_NODE_PLUGIN_CONFIG: JSON.stringify(pluginConfig),
}, cwd);
const mcpUrl = new URL((await waitFor(up, /MCP endpoint: +(\S+)/, 'pimcp up'))[1]);
const proxy = await tokenProxy(mcpUrl, readFileSync(join(cwd, '.pimcp/dev-token'), 'utf8').trim());
console.log(`direct:  ${directUrl}\nbridged: ${mcpUrl.href} (gateway, via token proxy ${proxy.url})`);

const [directResults, bridgedResults] = [await runSuite(directUrl, 'direct'), await runSuite(proxy.url, 'bridged')];
proxy.close();
stopAll();

const scenarios = [...new Set([...directResults.keys(), ...bridgedResults.keys()])].sort();
const rows = scenarios.map((s) => {
  const a = directResults.get(s);
  const b = bridgedResults.get(s);
  const same = a && b && (a.failed === 0) === (b.failed === 0);
  return { s, a: verdict(a), b: verdict(b), same };
});
const width = Math.max(...scenarios.map((s) => s.length));
console.log(`\n${'scenario'.padEnd(width)}  ${'direct'.padEnd(14)}  ${'bridged'.padEnd(14)}  same`);
for (const r of rows) console.log(`${r.s.padEnd(width)}  ${r.a.padEnd(14)}  ${r.b.padEnd(14)}  ${r.same ? 'yes' : 'NO'}`);
const differing = rows.filter((r) => !r.same);
console.log(`\n${scenarios.length} scenarios, ${rows.length - differing.length} with the same result, ${differing.length} differing${differing.length ? `: ${differing.map((r) => r.s).join(', ')}` : ''}`);
for (const r of differing) {
  console.log(`\n${r.s}:`);
  for (const [label, results] of [['direct', directResults], ['bridged', bridgedResults]]) {
    for (const why of results.get(r.s)?.why ?? []) console.log(`  ${label}: ${why}`);
  }
}
process.exit(differing.length === 0 ? 0 : 1);
