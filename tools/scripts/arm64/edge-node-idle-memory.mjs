#!/usr/bin/env node
// Idle memory of the edge node after it joined `pimcp up --nodes 0`: VmRSS (with its anonymous and file-backed
// parts) from /proc, and V8's heap from inside the process (memory-probe.cjs), for several configurations and launch
// flags, with the median of the runs. Figures go to docs/benchmarks.md with the command that produced them.
//
// Usage: node tools/scripts/arm64/edge-node-idle-memory.mjs [--runs 3] [--settle 10] [--arm64] [--variants a,b] [--before main.js] [--by-package]
//   --arm64       run the node on arm64 (qemu-user on x64). The RSS is then the emulator's, not a board's; V8's
//                 heap figures are the arm64 Node's own.
//   --variants    ids from the table below (default: all)
//   --before      another build of the edge node (e.g. an older commit's dist/apps/edge-node/main.js): each variant
//                 also runs on it, interleaved, so before and after come from the same run
//   --by-package  then one more start per variant under `--heap-prof`: the live JS heap by npm package
//   --node-flags  more Node flags for every PiMCP variant, e.g. "--trace-opt" or "--no-opt --no-maglev", to try one
// `--max-semi-space-size=1` is what the Dockerfile and the Helm chart set through NODE_OPTIONS (ADR 0018).
// Needs dist/apps/{cli,edge-node} (built when missing).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureArm64Node, scratchDir } from './arm64-node.mjs';
import { Child, EDGE_NODE_MAIN, ensureBuilt, residentMiB, ROOT, sleep, startGateway } from './pimcp-processes.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const PROBE = join(HERE, 'memory-probe.cjs');
const MCP = { PIMCP_NODE_MCP_ENABLED: 'true', PIMCP_NODE_MCP_PORT: '0' };
// Every built-in plugin named, none configured: each offers nothing (deny by default) but its module loads.
const PLUGINS = { PIMCP_NODE_PLUGINS: 'shell.run,http.request,log.tail,db.query,storage,vector' };
// What a board typically runs: the file tools under one directory and shell.run allowed one executable.
// The gateway's development invocation key that `pimcp up` created in the same folder: a node must trust one to start.
const NODE_KEYS = { PIMCP_NODE_INVOCATION_KEYS_FILE: '.pimcp/dev-invocation-key.pub.pem' };
const typical = (dir) => ({
  PIMCP_NODE_FILE_ROOT: dir,
  PIMCP_NODE_PLUGINS: 'shell.run',
  PIMCP_NODE_PLUGIN_CONFIG: JSON.stringify({ 'shell.run': { workingDirectory: dir, executables: { '/usr/bin/uptime': { args: [] } } } }),
});
// Every built-in plugin configured so that it offers its tools (as in the README's example), on files in `dir`.
const configured = (dir) => {
  writeFileSync(join(dir, 'app.log'), 'boot\n');
  writeFileSync(join(dir, 'sensors.db'), '');
  mkdirSync(join(dir, 'objects'), { recursive: true });
  return {
    PIMCP_NODE_FILE_ROOT: dir,
    PIMCP_NODE_PLUGINS: 'shell.run,log.tail,db.query,http.request,storage,vector,ai.infer',
    PIMCP_NODE_PLUGIN_CONFIG: JSON.stringify({
      'shell.run': { workingDirectory: dir, executables: { '/usr/bin/uptime': { args: [] } } },
      'log.tail': { logs: { app: join(dir, 'app.log') } },
      'db.query': { databases: { sensors: { path: join(dir, 'sensors.db') } } },
      'http.request': { allow: [{ host: 'api.open-meteo.com', methods: ['GET'] }] },
      storage: { stores: { objects: { kind: 'directory', root: join(dir, 'objects'), readOnly: false } } },
      vector: { indexes: { notes: { path: join(dir, 'notes.idx'), dimensions: 384, readOnly: false } } },
      'ai.infer': { baseUrl: 'http://127.0.0.1:11434/v1', model: 'qwen2.5:0.5b' },
    }),
  };
};
const SEMI = ['--max-semi-space-size=1'];
// malloc serves 32 KiB and larger blocks from their own mappings (V8's parser zone segments among them): measured,
// not adopted, because it slows every larger allocation (ADR 0023, tools/bench/malloc-threshold.mjs).
const MMAP_32K = { GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=32768' };
const VARIANTS = [
  { id: 'floor', name: 'bare `node` (no PiMCP code; the floor)', bare: true },
  { id: 'plugins', name: 'built-in plugins enabled, unconfigured', env: () => PLUGINS, flags: [] },
  { id: 'plugins-semi1', name: 'built-in plugins enabled, unconfigured, `--max-semi-space-size=1`', env: () => PLUGINS, flags: SEMI },
  { id: 'plugins-semi1-mmap32k', name: 'built-in plugins enabled, unconfigured, `--max-semi-space-size=1`, `GLIBC_TUNABLES=glibc.malloc.mmap_threshold=32768`', env: () => ({ ...PLUGINS, ...MMAP_32K }), flags: SEMI },
  { id: 'typical', name: 'typical: file root, shell.run with one executable', env: typical, flags: [] },
  { id: 'typical-semi1', name: 'typical, `--max-semi-space-size=1`', env: typical, flags: SEMI },
  { id: 'configured-semi1', name: 'every built-in plugin configured and offering its tools, `--max-semi-space-size=1`', env: configured, flags: SEMI },
  { id: 'typical-semi1-mmap32k', name: 'typical, `--max-semi-space-size=1`, `GLIBC_TUNABLES=glibc.malloc.mmap_threshold=32768`', env: (dir) => ({ ...typical(dir), ...MMAP_32K }), flags: SEMI },
  // What --enable-source-maps (readable stack traces while debugging; the image no longer passes it) costs.
  { id: 'typical-semi1-srcmap', name: 'typical, `--max-semi-space-size=1 --enable-source-maps`', env: typical, flags: [...SEMI, '--enable-source-maps'] },
  { id: 'typical-mcp-semi1', name: 'typical + own MCP endpoint, `--max-semi-space-size=1`', env: (dir) => ({ ...typical(dir), ...MCP }), flags: SEMI },
];

const { values: options } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    settle: { type: 'string', default: '10' },
    arm64: { type: 'boolean', default: false },
    variants: { type: 'string', default: VARIANTS.map((v) => v.id).join(',') },
    before: { type: 'string' },
    'by-package': { type: 'boolean', default: false },
    'node-flags': { type: 'string', default: '' },
  },
});
const runs = Number(options.runs);
const settleMs = Number(options.settle) * 1000;
const extraFlags = options['node-flags'].split(' ').filter(Boolean);
const picked = options.variants.split(',').map((id) => {
  const variant = VARIANTS.find((v) => v.id === id);
  if (!variant) throw new Error(`--variants: unknown "${id}" (known: ${VARIANTS.map((v) => v.id).join(', ')})`);
  return { ...variant, main: EDGE_NODE_MAIN, flags: variant.bare ? [] : [...(variant.flags ?? []), ...extraFlags] };
});
if (options.before && !existsSync(options.before)) throw new Error(`--before: ${options.before} does not exist`);
// With --before, each PiMCP variant also runs on the other build, as "<id>@before".
const chosen = options.before
  ? picked.flatMap((v) => (v.bare ? [v] : [{ ...v, id: `${v.id}@before`, name: `before: ${v.name}`, main: resolve(options.before) }, v]))
  : picked;

const runtime = options.arm64 ? ensureArm64Node() : { command: process.execPath, args: [], version: process.versions.node, emulated: false };
ensureBuilt(['cli', 'edge-node']);
const cwd = scratchDir('pimcp-memory-');
const children = [];
process.on('exit', () => {
  children.forEach((c) => c.killNow());
  rmSync(cwd, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(1));

const gateway = await startGateway(cwd);
children.push(gateway.up);

/** One start of one variant: join, settle, read /proc and the probe, stop. */
async function measure(variant, run) {
  const probeOut = join(cwd, `probe-${variant.id}-${run}.json`);
  const script = variant.bare ? ['-e', 'setInterval(() => {}, 1 << 30)'] : [variant.main];
  const node = new Child(variant.id, runtime.command, [...runtime.args, '-r', PROBE, ...(variant.flags ?? []), ...script], {
    cwd,
    env: { PIMCP_NODE_ID: `mem-${variant.id.replace('@', '-')}-${run}`, PIMCP_REGISTRY_URL: gateway.nodeLink, ...NODE_KEYS, PIMCP_MEMORY_PROBE_OUT: probeOut, ...variant.env?.(cwd) },
  });
  children.push(node);
  try {
    if (!variant.bare) await node.waitFor(/(ready: link)/, 180_000, 'join');
    await sleep(settleMs);
    const resident = residentMiB(node.pid);
    process.kill(node.pid, 'SIGUSR2');
    for (let i = 0; i < 100 && !existsSync(probeOut); i++) await sleep(100);
    const heap = JSON.parse(readFileSync(probeOut, 'utf8'));
    // With --trace-opt, V8 logs each optimizing compile; their count shows how much of the compilers boot woke.
    const compiles = (node.output.match(/\[(?:compiling method|completed compiling)[^\]]*\]/g) ?? []).filter((l) => l.startsWith('[completed')).length;
    if (variant.flags.includes('--trace-opt')) console.log(`  ${variant.id}: ${compiles} optimizing compiles by then`);
    return { ...resident, heapTotal: heap.heapTotal, heapUsed: heap.heapUsed, newSpace: heap.spaces.new_space?.committed ?? 0 };
  } finally {
    await node.stop('SIGTERM', 5_000);
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f = (x) => x.toFixed(1);
const commit = (() => {
  try {
    const rev = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'libs', 'apps/edge-node'], { cwd: ROOT, encoding: 'utf8' }).trim();
    return `${rev}${dirty ? ' + uncommitted changes in libs/ or apps/edge-node' : ''}`;
  } catch {
    return 'unknown';
  }
})();
console.log(`machine: ${cpus().length} x ${cpus()[0].model}, ${Math.round(totalmem() / 2 ** 30)} GiB; gateway on Node ${process.version} x64; ` +
  `edge node on Node v${runtime.version} ${options.arm64 ? `arm64 under ${runtime.command}` : process.arch}; git ${commit}; ${runs} runs, ${settleMs / 1000} s after join`);

const results = new Map(chosen.map((v) => [v.id, []]));
// Runs interleave the variants, so a noisy moment on a shared machine does not land on one variant only.
for (let run = 1; run <= runs; run++) {
  for (const variant of chosen) {
    const r = await measure(variant, run);
    results.get(variant.id).push(r);
    console.log(`run ${run} ${variant.id.padEnd(24)} VmRSS ${f(r.rss)} MiB (anon ${f(r.anon)}, file ${f(r.file)}); V8 heap ${f(r.heapTotal)} committed, ${f(r.heapUsed)} used, new space ${f(r.newSpace)}`);
  }
}

const rssHeader = options.arm64 ? 'qemu process VmRSS MiB (not a board\'s)' : 'VmRSS MiB';
console.log(`\n| configuration | ${rssHeader} | anon | file | V8 heap committed MiB | V8 heap used MiB | new space committed MiB |`);
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const variant of chosen) {
  const rs = results.get(variant.id);
  const m = (key) => f(median(rs.map((r) => r[key])));
  console.log(`| ${variant.name} | ${m('rss')} | ${m('anon')} | ${m('file')} | ${m('heapTotal')} | ${m('heapUsed')} | ${m('newSpace')} |`);
}

/** One start under --heap-prof, stopped with SIGTERM after settling; each sampled live allocation goes to the innermost package on its stack. */
async function heapByPackage(variant) {
  const dir = scratchDir(`pimcp-heap-prof-${variant.id}-`);
  const node = new Child(variant.id, runtime.command, [...runtime.args, '--heap-prof', '--heap-prof-interval=16384', `--heap-prof-dir=${dir}`,
    ...(variant.flags ?? []), variant.main], { cwd, env: { PIMCP_NODE_ID: `prof-${variant.id.replace('@', '-')}`, PIMCP_REGISTRY_URL: gateway.nodeLink, ...NODE_KEYS, ...variant.env?.(cwd) } });
  children.push(node);
  try {
    await node.waitFor(/(ready: link)/, 180_000, 'join');
    await sleep(settleMs);
    await node.stop('SIGTERM', 60_000);
    const file = readdirSync(dir).find((f) => f.endsWith('.heapprofile'));
    if (!file) throw new Error(`${variant.id}: no heap profile was written`);
    const bytes = new Map();
    let total = 0;
    const walk = (frame, owner) => {
      const url = frame.callFrame.url ?? '';
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? (url.includes('dist/apps/') ? 'the bundle (libs/*)' : undefined);
      const who = pkg ?? owner ?? (url.startsWith('node:') ? 'node: internals' : '(native)');
      total += frame.selfSize;
      bytes.set(who, (bytes.get(who) ?? 0) + frame.selfSize);
      for (const child of frame.children) walk(child, pkg ?? owner);
    };
    walk(JSON.parse(readFileSync(join(dir, file), 'utf8')).head, undefined);
    const top = [...bytes].sort((a, b) => b[1] - a[1]).slice(0, 16).map(([who, b]) => `${who} ${f(b / 1048576)}`);
    console.log(`\n${variant.name}: sampled live JS heap ${f(total / 1048576)} MiB; by package (MiB): ${top.join(', ')}`);
  } finally {
    await node.stop('SIGKILL', 1_000);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (options['by-package']) for (const variant of chosen.filter((v) => !v.bare)) await heapByPackage(variant);
await gateway.up.stop('SIGTERM', 10_000);
process.exit(0);
