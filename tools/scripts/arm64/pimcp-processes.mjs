// The processes the arm64 scripts start (`pimcp up --nodes 0`, edge nodes) and stop by pid, with their output
// kept for error messages; the official MCP client; VmRSS from /proc.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
export const EDGE_NODE_MAIN = join(ROOT, 'dist/apps/edge-node/main.js');
export const CLI_MAIN = join(ROOT, 'dist/apps/cli/main.js');

const requireFromRoot = createRequire(join(ROOT, 'package.json'));

/** Builds the named apps whose bundle is missing (`npx nx run <app>:build`); a present bundle is used as it is. */
export function ensureBuilt(apps, log = console.log) {
  for (const app of apps) {
    if (existsSync(join(ROOT, 'dist/apps', app, 'main.js'))) continue;
    log(`arm64: dist/apps/${app}/main.js is missing; building it (npx nx run ${app}:build)`);
    const build = spawnSync('npx', ['nx', 'run', `${app}:build`, '--outputStyle=static'], {
      cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false' }, timeout: 600_000,
    });
    if (build.status !== 0) throw new Error(`npx nx run ${app}:build failed (status ${build.status})`);
  }
}

/** One child process; everything it prints is kept, so a failure can show it. */
export class Child {
  output = '';

  constructor(label, command, args, { cwd, env }) {
    this.label = label;
    // NO_COLOR keeps Nest's log lines plain, for the patterns below and for people reading failures.
    this.proc = spawn(command, args, { cwd, env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.pid = this.proc.pid;
    this.proc.stdout.on('data', (d) => (this.output += d));
    this.proc.stderr.on('data', (d) => (this.output += d));
    this.exited = new Promise((resolve) => this.proc.once('exit', (code, signal) => resolve({ code, signal })));
    this.proc.once('error', (err) => (this.output += `\n${err.message}`));
  }

  get running() {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Resolves with the first group of `pattern` in the output; rejects when the process exits first or time runs out. */
  async waitFor(pattern, timeoutMs, what) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(this.output);
      if (match) return match[1];
      if (!this.running) throw new Error(`${this.label} exited (${JSON.stringify(await this.exited)}) before ${what}:\n${this.tail()}`);
      if (Date.now() > deadline) throw new Error(`${this.label}: no ${what} within ${Math.round(timeoutMs / 1000)} s:\n${this.tail()}`);
      await sleep(100);
    }
  }

  /** Sends `signal` to this pid and waits up to graceMs; SIGKILLs it after that. Resolves with how it ended. */
  async stop(signal = 'SIGTERM', graceMs = 15_000) {
    if (this.running) process.kill(this.pid, signal);
    const ended = await Promise.race([this.exited, sleep(graceMs).then(() => undefined)]);
    if (ended) return ended;
    if (this.running) process.kill(this.pid, 'SIGKILL');
    await this.exited;
    return { code: null, signal: 'SIGKILL', killedAfterGrace: true };
  }

  /** Last resort at exit: synchronous, so it also runs from process.on('exit'). */
  killNow() {
    if (this.running) process.kill(this.pid, 'SIGKILL');
  }

  tail(lines = 40) {
    return this.output.trimEnd().split('\n').slice(-lines).map((l) => `  | ${l}`).join('\n');
  }
}

/** `pimcp up --nodes 0` on free ports in `cwd`: gateway, registry and context-sync in one x64 process, no edge node. */
export async function startGateway(cwd, { timeoutMs = 60_000 } = {}) {
  const up = new Child('pimcp up', process.execPath, [CLI_MAIN, 'up', '--nodes', '0'], {
    cwd,
    env: { PIMCP_GATEWAY_PORT: '0', PIMCP_REGISTRY_HTTP_PORT: '0', PIMCP_REGISTRY_LINK_PORT: '0', PIMCP_CONTEXT_SYNC_HTTP_PORT: '0' },
  });
  const mcpUrl = await up.waitFor(/MCP endpoint: +(\S+)/, timeoutMs, 'MCP endpoint line');
  const nodeLink = await up.waitFor(/node link: +(\S+)/, timeoutMs, 'node link line');
  const catalogUrl = await up.waitFor(/registry admin API: +(\S+)/, timeoutMs, 'registry admin API line');
  const token = readFileSync(join(cwd, '.pimcp/dev-token'), 'utf8').trim();
  return { up, mcpUrl, nodeLink, catalogUrl, token };
}

/** The official MCP client (@modelcontextprotocol/client), connected with the development token. */
export async function connectClient(mcpUrl, token) {
  const { Client, StreamableHTTPClientTransport } = requireFromRoot('@modelcontextprotocol/client');
  const client = new Client({ name: 'pimcp-arm64-check', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  return client;
}

/** Polls tools/list until `name` is there. */
export async function waitForTool(client, name, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const names = (await client.listTools()).tools.map((t) => t.name);
    if (names.includes(name)) return;
    if (Date.now() > deadline) throw new Error(`${name} was not listed through the gateway within ${Math.round(timeoutMs / 1000)} s; listed: ${names.join(', ')}`);
    await sleep(250);
  }
}

/** VmRSS, RssAnon and RssFile of a pid in MiB (what the kernel charges the process; file pages are the shared binary's). */
export function residentMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kib('VmRSS') / 1024, anon: kib('RssAnon') / 1024, file: kib('RssFile') / 1024 };
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
