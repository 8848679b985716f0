// Workload of tools/bench/malloc-threshold.mjs: allocates 40 to 64 KiB buffers (file chunks read and copied),
// the size class GLIBC_TUNABLES=glibc.malloc.mmap_threshold=32768 moves from malloc's heap to mmap. Prints ms.
const { closeSync, openSync, readSync } = require('node:fs');

const [file, rounds] = [process.argv[2], Number(process.argv[3] ?? 40)];
const startedAt = process.hrtime.bigint();
let bytes = 0;
for (let round = 0; round < rounds; round++) {
  const fd = openSync(file, 'r');
  const chunk = Buffer.allocUnsafe(65536);
  for (let got; (got = readSync(fd, chunk, 0, chunk.length)) > 0;) bytes += Buffer.from(chunk.subarray(0, got)).length;
  closeSync(fd);
  for (let i = 0; i < 2000; i++) bytes += Buffer.alloc(40_000 + (i % 7) * 1000).length;
}
process.stdout.write(`${Number(process.hrtime.bigint() - startedAt) / 1e6} ${bytes}\n`);
