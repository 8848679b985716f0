#!/usr/bin/env node
// What GLIBC_TUNABLES=glibc.malloc.mmap_threshold=32768 (the edge node's image and chart, ADR 0023) costs where a
// process allocates blocks of 32 KiB and more: two workloads, each run with glibc's defaults and with the setting,
// interleaved, medians and the ratio. Usage: node tools/bench/malloc-threshold.mjs [--runs 5]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const HERE = join(dirname(fileURLToPath(import.meta.url)), 'malloc');
const TUNED = 'glibc.malloc.mmap_threshold=32768';
const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);

const dir = mkdtempSync(join(tmpdir(), 'pimcp-malloc-bench-'));
const file = join(dir, 'blob');
writeFileSync(file, randomBytes(8 * 1024 * 1024));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const workloads = [
  { name: 'allocate 40-64 KiB buffers (8 MiB file in 64 KiB chunks + 2,000 buffers, x40)', unit: 'ms', args: [join(HERE, 'large-buffers.workload.cjs'), file, '40'] },
  { name: 'loopback TCP echo, 300-byte messages', unit: 'us per round trip', args: [join(HERE, 'tcp-echo.workload.cjs'), '20000'] },
];
const run = (args, tuned) => {
  const env = { PATH: process.env.PATH ?? '', ...(tuned ? { GLIBC_TUNABLES: TUNED } : {}) };
  return Number(execFileSync(process.execPath, args, { env, encoding: 'utf8' }).trim().split(' ')[0]);
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(`machine: ${cpus().length} x ${cpus()[0].model}; Node ${process.version}; ${runs} runs each, interleaved`);
console.log(`\n| workload | glibc defaults | \`${TUNED}\` | ratio |\n| --- | --- | --- | --- |`);
for (const workload of workloads) {
  const plain = [];
  const tuned = [];
  for (let i = 0; i < runs; i++) {
    plain.push(run(workload.args, false));
    tuned.push(run(workload.args, true));
  }
  const [p, t] = [median(plain), median(tuned)];
  console.log(`| ${workload.name} | ${p.toFixed(1)} ${workload.unit} | ${t.toFixed(1)} ${workload.unit} | ${(t / p).toFixed(2)}x |`);
}
