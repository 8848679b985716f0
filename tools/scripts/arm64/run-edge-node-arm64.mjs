#!/usr/bin/env node
// Proves the edge node runs on arm64: `pimcp up --nodes 0` on this machine, the built edge node on an arm64 Node
// (under qemu-user on an x64 host) joined to its registry as pi-arm64, then `pi-arm64.system.info` called through
// the gateway with the official MCP client must report arch arm64. Installs what is missing first (see arm64-node.mjs),
// builds dist/apps/{cli,edge-node} when absent, and stops everything it started. Exit 0 when the check passed, else 1.
//
// Usage: node tools/scripts/arm64/run-edge-node-arm64.mjs [--join-timeout <s>] [--node-flags "<flags>"] [--json]
//   --join-timeout  seconds the emulated node may take to join (default 120; it takes ~10 s on 2 idle vCPUs)
//   --node-flags    Node/V8 flags for the edge node, e.g. "--max-semi-space-size=1" (docs/benchmarks.md)
//   --json          also print the result as one JSON line last (what apps/edge-node/test/arm64.e2e-spec.ts reads)
// Environment: PIMCP_ARM64_NODE_CACHE names the cache folder of the arm64 Node (default ~/.cache/pimcp).
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ensureArm64Node, scratchDir } from './arm64-node.mjs';
import { Child, connectClient, EDGE_NODE_MAIN, ensureBuilt, startGateway, waitForTool } from './pimcp-processes.mjs';

const NODE_ID = 'pi-arm64';
const TOOL = `${NODE_ID}.system.info`;

const { values: options } = parseArgs({
  options: {
    'join-timeout': { type: 'string', default: '120' },
    'node-flags': { type: 'string', default: '' },
    json: { type: 'boolean', default: false },
  },
});
const joinTimeoutMs = Number(options['join-timeout']) * 1000;
if (!(joinTimeoutMs > 0)) throw new Error('--join-timeout takes a number of seconds');
const nodeFlags = options['node-flags'].split(/\s+/).filter(Boolean);

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const log = (line) => console.log(line);
const children = [];
const cwd = scratchDir('pimcp-arm64-');
// Whatever happens (an exception, Ctrl-C), no child outlives this script.
process.on('exit', () => {
  children.forEach((c) => c.killNow());
  rmSync(cwd, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(1));

async function main() {
  const runtime = ensureArm64Node({ log });
  log(`arm64: Node v${runtime.version} arm64 ${runtime.emulated ? `under ${runtime.command} -L ${runtime.args[1]}` : 'on this arm64 host'} (${runtime.nodePath})`);
  ensureBuilt(['cli', 'edge-node'], log);

  const gateway = await startGateway(cwd);
  children.push(gateway.up);
  log(`arm64: pimcp up --nodes 0 (x64, pid ${gateway.up.pid}): gateway ${gateway.mcpUrl}, node link ${gateway.nodeLink}`);

  const node = new Child(`edge node ${NODE_ID}`, runtime.command, [...runtime.args, ...nodeFlags, EDGE_NODE_MAIN], {
    cwd,
    env: {
      PIMCP_NODE_ID: NODE_ID, PIMCP_REGISTRY_URL: gateway.nodeLink, PIMCP_NODE_SHUTDOWN_GRACE_MS: '2000',
      // The gateway's development invocation key that pimcp up created in the same folder.
      PIMCP_NODE_INVOCATION_KEYS_FILE: '.pimcp/dev-invocation-key.pub.pem',
    },
  });
  children.push(node);
  const nodeStarted = Date.now();
  await node.waitFor(/(ready: link \S+)/, joinTimeoutMs, 'join ("ready: link" in its log)');
  const joinMs = Date.now() - nodeStarted;
  log(`arm64: ${NODE_ID} (pid ${node.pid}${nodeFlags.length ? `, ${nodeFlags.join(' ')}` : ''}) joined the registry after ${(joinMs / 1000).toFixed(1)} s`);

  const client = await connectClient(gateway.mcpUrl, gateway.token);
  try {
    await waitForTool(client, TOOL, 30_000);
    const result = await client.callTool({ name: TOOL, arguments: {} }, { timeout: 60_000 });
    const info = result.structuredContent ?? {};
    const catalog = await (await fetch(gateway.catalogUrl)).json();
    const labels = catalog.nodes?.find((n) => n.nodeId === NODE_ID)?.labels ?? {};
    const summary = {
      nodeId: info.nodeId, arch: info.arch, platform: info.platform, nodeVersion: info.nodeVersion, catalogArch: labels.arch,
      emulated: runtime.emulated, joinSeconds: +(joinMs / 1000).toFixed(1),
    };
    log(`arm64: ${TOOL} through the gateway: arch ${info.arch}, platform ${info.platform}, Node ${info.nodeVersion}, nodeId ${info.nodeId}; registry label arch=${labels.arch}`);
    await client.close();

    // A board is stopped with SIGTERM: the node must leave the registry and exit 0 on arm64 too.
    const ended = await node.stop('SIGTERM', 30_000);
    const problems = [];
    if (result.isError) problems.push(`${TOOL} returned an error: ${JSON.stringify(result.content)}`);
    if (info.arch !== 'arm64') problems.push(`system.info reported arch ${info.arch}, not arm64`);
    if (info.nodeId !== NODE_ID) problems.push(`system.info came from ${info.nodeId}, not ${NODE_ID}`);
    if (labels.arch !== 'arm64') problems.push(`the registry lists ${NODE_ID} with label arch=${labels.arch}, not arm64`);
    if (ended.code !== 0) problems.push(`on SIGTERM the node ended with ${JSON.stringify(ended)}, not exit 0:\n${node.tail()}`);
    return { ok: problems.length === 0, problems, ...summary, exitOnSigterm: ended.code, seconds: +((Date.now() - started) / 1000).toFixed(1) };
  } finally {
    await client.close().catch(() => undefined);
  }
}

let outcome;
try {
  outcome = await main();
} catch (err) {
  outcome = { ok: false, problems: [err instanceof Error ? err.message : String(err)] };
}
for (const child of children.reverse()) await child.stop('SIGTERM', 15_000);
if (outcome.ok) log(`arm64: PASS — the edge node runs on arm64 (${elapsed()})`);
else console.error(`arm64: FAIL (${elapsed()})\n${outcome.problems.map((p) => `  - ${p}`).join('\n')}`);
if (options.json) console.log(JSON.stringify(outcome));
process.exit(outcome.ok ? 0 : 1);
