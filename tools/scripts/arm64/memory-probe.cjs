// Preloaded (`node -r`) into the process edge-node-idle-memory.mjs measures: on SIGUSR2 it writes V8's own view
// of its heap to PIMCP_MEMORY_PROBE_OUT. Under qemu this is the one figure that is the board's, not the emulator's.
// It loads nothing the process had not loaded already, so it does not change what it measures.
const { writeFileSync } = require('node:fs');
const v8 = require('node:v8');

const MiB = (bytes) => +(bytes / 1048576).toFixed(1);

process.on('SIGUSR2', () => {
  const usage = process.memoryUsage();
  const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().filter((s) => s.space_size > 0)
    .map((s) => [s.space_name, { committed: MiB(s.space_size), used: MiB(s.space_used_size) }]));
  writeFileSync(process.env.PIMCP_MEMORY_PROBE_OUT, JSON.stringify({
    heapTotal: MiB(usage.heapTotal), heapUsed: MiB(usage.heapUsed), external: MiB(usage.external), spaces,
  }));
});
