import { createServer, Server } from 'node:net';
import { join } from 'node:path';
import { ensureBinary } from '../binary/ensure-binary.util';
import { HarnessErrorCode, HarnessException } from '../errors/harness.exception';
import { redisPing } from '../redis/redis-ping.util';
import { makeTempDir, removeDir } from '../util/temp-dir.util';
import { ManagedProcess } from './managed-process';

describe(ManagedProcess.name, () => {
  const dir = makeTempDir('managed-process-spec');
  let blocker: Server;
  let takenPort: number;

  beforeAll(async () => {
    // Holds the port; drops anything that connects so close() need not wait.
    blocker = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    takenPort = (blocker.address() as { port: number }).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => blocker.close(resolve));
    removeDir(dir);
  });

  describe('start', () => {
    it('fails fast with a retryable PortInUse error that quotes the server log', async () => {
      const redis = new ManagedProcess({
        label: 'redis on a taken port',
        binary: ensureBinary('redis-server'),
        args: ['--port', String(takenPort), '--bind', '127.0.0.1', '--save', '', '--dir', dir],
        logPath: join(dir, 'redis.log'),
      });
      const started = Date.now();

      const error = (await redis.start(() => redisPing(takenPort)).catch((e: unknown) => e)) as HarnessException;

      expect(error).toBeInstanceOf(HarnessException);
      expect(error.code).toBe(HarnessErrorCode.PortInUse);
      expect(error.retryable).toBe(true);
      expect(error.message).toMatch(/exited before it became healthy[\s\S]*Address already in use/);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(redis.pid).toBeUndefined();
    });

    it('reports a binary that cannot be spawned', async () => {
      const missing = new ManagedProcess({
        label: 'a missing server',
        binary: join(dir, 'no-such-binary'),
        args: [],
        logPath: join(dir, 'missing.log'),
      });

      await expect(missing.start(async () => false)).rejects.toThrow(
        /a missing server exited before it became healthy/,
      );
    });
  });
});
