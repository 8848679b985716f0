import { createServer } from 'node:net';

/**
 * Asks the kernel for a free TCP port on `host`. The port is released before
 * this resolves, so a caller can still lose a race for it; process starters
 * retry once with fresh ports for that reason.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error(`Could not read the port bound on ${host}`));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

/** Distinct free ports: two back-to-back freePort() calls may return the same one. */
export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) {
    ports.add(await freePort(host));
  }
  return [...ports];
}
