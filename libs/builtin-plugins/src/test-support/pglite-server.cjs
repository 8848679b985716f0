// Real PostgreSQL (PGlite, compiled to WASM) served over the wire protocol on a loopback port, in its own process:
// PGlite loads its WASM with a dynamic import, which jest's module sandbox does not allow.
// Usage: node pglite-server.cjs '<setup SQL>'; prints "listening <host>:<port>"; stops on SIGTERM or stdin close.
const { PGlite } = require('@electric-sql/pglite');
const { PGLiteSocketServer } = require('@electric-sql/pglite-socket');

(async () => {
  const db = await PGlite.create();
  if (process.argv[2]) await db.exec(process.argv[2]);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 16 });
  await server.start();
  process.stdout.write(`listening ${server.getServerConn()}\n`);
  const stop = async () => {
    await server.stop();
    await db.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
})().catch((err) => {
  process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
