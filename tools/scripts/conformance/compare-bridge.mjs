#!/usr/bin/env node
// Runs the official MCP conformance suite (all 32 server scenarios) twice against the same MCP server, our SDK v2
// fixture server (fixture-server.mjs): directly over its own Streamable HTTP endpoint, and bridged (an edge node of
// `pimcp up` mounts it with the mcp-bridge plugin, no prefix, and the suite talks to the gateway). Prints both
// results scenario by scenario and exits 1 if any scenario passes on one side and fails on the other. The last
// line is `parity: {json}` for tests.
// Needs `npx nx run-many -t build -p cli edge-node` first.
// Usage: node tools/scripts/conformance/compare-bridge.mjs [--bridge http|stdio] [--scenario NAME]
//   --bridge http (default): the node bridges the very server the suite calls directly, over Streamable HTTP;
//   --bridge stdio: the node runs its own copy of the fixture server as a stdio child.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../../..');
const fixtureServer = join(here, 'fixture-server.mjs');
const suiteBin = join(root, 'node_modules/@modelcontextprotocol/conformance/dist/index.js');
const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const bridgeMode = option('--bridge') ?? 'http';
if (!['http', 'stdio'].includes(bridgeMode)) throw new Error(`--bridge must be http or stdio, not ${bridgeMode}`);
const scenario = option('--scenario');
const suiteArgs = scenario ? ['--scenario', scenario] : ['--suite', 'all'];

const children = [];
const stopAll = () => children.forEach((c) => c.exitCode === null && c.kill('SIGINT'));
process.on('exit', stopAll);

function start(argv, env, cwd = root) {
  const child = spawn(process.execPath, argv, { cwd, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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
      if (!match && child.exitCode === null) return;
      clearInterval(check);
      clearTimeout(deadline);
      if (match) resolve(match);
      else reject(new Error(`${what} exited with ${child.exitCode}:\n${child.output}`));
    }, 50);
  });
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

/** Runs the suite against url; returns scenario -> { passed, failed, warnings, why } from the saved checks. */
async function runSuite(url, label) {
  const out = mkdtempSync(join(tmpdir(), `pimcp-conformance-${label}-`));
  const suite = spawn(process.execPath, [suiteBin, 'server', '--url', url, '-o', out, ...suiteArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  suite.stdout.on('data', (d) => (output += d));
  suite.stderr.on('data', (d) => (output += d));
  await new Promise((resolve) => suite.once('exit', resolve));
  const results = new Map();
  for (const file of walk(out).filter((f) => f.endsWith('checks.json'))) {
    const checks = JSON.parse(readFileSync(file, 'utf8'));
    const count = (status) => checks.filter((c) => c.status === status).length;
    const why = checks.filter((c) => c.status === 'FAILURE').map((c) => `${c.id}: ${c.errorMessage ?? JSON.stringify(c.details ?? {})}`.slice(0, 300));
    results.set(scenarioOf(file, out), { passed: count('SUCCESS'), failed: count('FAILURE'), warnings: count('WARNING'), why });
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

const verdict = (r) => {
  if (!r) return 'not run';
  const warned = r.warnings ? `, ${r.warnings}w` : '';
  return r.failed === 0 ? `pass (${r.passed}${warned})` : `FAIL (${r.passed}/${r.passed + r.failed}${warned})`;
};

const started = Date.now();
// 1. The fixture server on its own, over Streamable HTTP.
const direct = start([fixtureServer], { PORT: '0' });
const directUrl = (await waitFor(direct, /listening on (http:\/\/\S+)/, 'the fixture server'))[1];

// 2. The same server mounted by the mcp-bridge plugin on an edge node of `pimcp up`, behind the gateway. No prefix,
//    so names match. clientRequests adds roots to the defaults so every relay is exercised.
const cwd = mkdtempSync(join(tmpdir(), 'pimcp-conformance-bridge-'));
const bridged = bridgeMode === 'http' ? { url: directUrl } : { command: [process.execPath, fixtureServer, '--stdio'] };
const pluginConfig = { 'mcp-bridge': { servers: { fixtures: { ...bridged, clientRequests: ['sampling', 'elicitation', 'roots'] } } } };
const up = start([join(root, 'dist/apps/cli/main.js'), 'up', '--nodes', '1'], {
  PIMCP_GATEWAY_PORT: '0', PIMCP_REGISTRY_HTTP_PORT: '0', PIMCP_REGISTRY_LINK_PORT: '0', PIMCP_CONTEXT_SYNC_HTTP_PORT: '0',
  PIMCP_NODE_PLUGINS: 'mcp-bridge', PIMCP_NODE_PLUGIN_CONFIG: JSON.stringify(pluginConfig),
}, cwd);
const mcpUrl = new URL((await waitFor(up, /MCP endpoint: +(\S+)/, 'pimcp up'))[1]);
const proxy = await tokenProxy(mcpUrl, readFileSync(join(cwd, '.pimcp/dev-token'), 'utf8').trim());
console.log(`direct:  ${directUrl}\nbridged: ${mcpUrl.href} (gateway, via token proxy ${proxy.url}; the node bridges the fixture server over ${bridgeMode})`);

// Both runs at once: they touch different endpoints, and it halves the wall time.
const [directResults, bridgedResults] = await Promise.all([runSuite(directUrl, 'direct'), runSuite(proxy.url, 'bridged')]);
proxy.close();
stopAll();

const scenarios = [...new Set([...directResults.keys(), ...bridgedResults.keys()])].sort();
const rows = scenarios.map((s) => {
  const a = directResults.get(s);
  const b = bridgedResults.get(s);
  return { scenario: s, direct: verdict(a), bridged: verdict(b), same: Boolean(a && b && (a.failed === 0) === (b.failed === 0)) };
});
const width = Math.max(...scenarios.map((s) => s.length));
console.log(`\n${'scenario'.padEnd(width)}  ${'direct'.padEnd(14)}  ${'bridged'.padEnd(14)}  same`);
for (const r of rows) console.log(`${r.scenario.padEnd(width)}  ${r.direct.padEnd(14)}  ${r.bridged.padEnd(14)}  ${r.same ? 'yes' : 'NO'}`);
const differing = rows.filter((r) => !r.same);
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(`\n${scenarios.length} scenarios, ${rows.length - differing.length} with the same result, ${differing.length} differing${differing.length ? `: ${differing.map((r) => r.scenario).join(', ')}` : ''} (${seconds} s)`);
for (const r of differing) {
  console.log(`\n${r.scenario}:`);
  for (const [label, results] of [['direct', directResults], ['bridged', bridgedResults]]) {
    for (const why of results.get(r.scenario)?.why ?? []) console.log(`  ${label}: ${why}`);
  }
}
console.log(`parity: ${JSON.stringify({ bridge: bridgeMode, seconds: Number(seconds), rows })}`);
process.exit(differing.length === 0 ? 0 : 1);
