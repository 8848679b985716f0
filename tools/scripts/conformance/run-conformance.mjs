#!/usr/bin/env node
// Runs the official MCP conformance suite against the gateway: `pimcp up` with one edge node that
// loads the conformance-fixtures plugin, reached through a local proxy that adds the development
// bearer token (the suite cannot send one). Host and Origin pass through untouched, so the
// DNS-rebinding scenario still tests the gateway. Usage: node tools/scripts/conformance/run-conformance.mjs [extra suite args]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../../..');
const cwd = mkdtempSync(join(tmpdir(), 'pimcp-conformance-'));

const up = spawn(process.execPath, [join(root, 'dist/apps/cli/main.js'), 'up', '--nodes', '1'], {
  cwd,
  env: { PATH: process.env.PATH, PIMCP_GATEWAY_PORT: '0', PIMCP_REGISTRY_HTTP_PORT: '0', PIMCP_REGISTRY_LINK_PORT: '0', PIMCP_CONTEXT_SYNC_HTTP_PORT: '0', PIMCP_NODE_PLUGINS: 'conformance-fixtures' },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let upOutput = '';
up.stdout.on('data', (d) => (upOutput += d));
up.stderr.on('data', (d) => (upOutput += d));

const stopAll = () => {
  if (up.exitCode === null) up.kill('SIGINT');
};
process.on('exit', stopAll);

const mcpUrl = await new Promise((resolve, reject) => {
  const deadline = setTimeout(() => reject(new Error(`pimcp up did not start:\n${upOutput}`)), 30_000);
  const check = setInterval(() => {
    const match = /MCP endpoint: +(\S+)/.exec(upOutput);
    if (match) {
      clearInterval(check);
      clearTimeout(deadline);
      resolve(new URL(match[1]));
    }
  }, 50);
});
const token = readFileSync(join(cwd, '.pimcp/dev-token'), 'utf8').trim();

const proxy = http.createServer((req, res) => {
  const upstream = http.request(
    { host: mcpUrl.hostname, port: mcpUrl.port, method: req.method, path: req.url, headers: { ...req.headers, authorization: `Bearer ${token}` } },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', (err) => {
    res.writeHead(502).end(String(err));
  });
  req.pipe(upstream);
  res.on('close', () => upstream.destroy());
});
await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${proxy.address().port}${mcpUrl.pathname}`;
console.log(`conformance: gateway ${mcpUrl.href} (via token proxy ${url})`);

const suite = spawn(process.execPath, [join(root, 'node_modules/@modelcontextprotocol/conformance/dist/index.js'), 'server', '--url', url,
  '--expected-failures', join(here, 'expected-failures.yml'), ...process.argv.slice(2)], { stdio: 'inherit' });
const code = await new Promise((resolve) => suite.once('exit', resolve));
proxy.close();
stopAll();
process.exit(code ?? 1);
