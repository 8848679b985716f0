// Workload of tools/bench/malloc-threshold.mjs: small request/response round trips over loopback TCP, where every
// socket read allocates a 64 KiB buffer that is then shrunk to what arrived. Prints microseconds per round trip.
const { connect, createServer } = require('node:net');

const trips = Number(process.argv[2] ?? 20000);
const message = Buffer.alloc(300, 'x');
const server = createServer((socket) => socket.on('data', (data) => socket.write(data)));
server.listen(0, '127.0.0.1', () => {
  const client = connect(server.address().port, '127.0.0.1');
  let done = 0;
  let startedAt = 0n;
  client.on('connect', () => {
    startedAt = process.hrtime.bigint();
    client.write(message);
  });
  client.on('data', () => {
    if (++done < trips) return void client.write(message);
    process.stdout.write(`${Number(process.hrtime.bigint() - startedAt) / 1e3 / trips}\n`);
    client.destroy();
    server.close();
  });
});
