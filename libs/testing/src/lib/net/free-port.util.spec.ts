import { createServer } from 'node:net';
import { freePort, freePorts } from './free-port.util';

function listenOn(port: number): Promise<void> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

describe(freePort.name, () => {
  it('returns a loopback port that can be bound right away', async () => {
    const port = await freePort();

    expect(port).toBeGreaterThan(1024);
    await expect(listenOn(port)).resolves.toBeUndefined();
  });
});

describe(freePorts.name, () => {
  it('returns the requested number of distinct ports', async () => {
    const ports = await freePorts(6);

    expect(ports).toHaveLength(6);
    expect(new Set(ports).size).toBe(6);
  });
});
