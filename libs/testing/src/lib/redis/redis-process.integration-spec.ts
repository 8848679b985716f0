import Redis from 'ioredis';
import { RedisProcess } from './redis-process';

describe(RedisProcess.name, () => {
  const started: RedisProcess[] = [];
  const clients: Redis[] = [];
  const startRedis = async (opts?: Parameters<typeof RedisProcess.start>[0]): Promise<RedisProcess> => {
    const redis = await RedisProcess.start(opts);
    started.push(redis);
    return redis;
  };
  // No offline queue and no reconnects: a dead server must fail the command now.
  // A short disconnectTimeout, because ioredis arms a timer of that length when
  // disconnecting a stream the killed server already closed.
  const connect = (url: string): Redis => {
    const client = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      lazyConnect: true,
      disconnectTimeout: 50,
    });
    client.on('error', () => undefined);
    clients.push(client);
    return client;
  };
  const connected = async (url: string): Promise<Redis> => {
    const client = connect(url);
    await client.connect();
    return client;
  };

  afterAll(async () => {
    clients.forEach((client) => client.disconnect());
    await Promise.all(started.map((redis) => redis.stop()));
  });

  describe('start', () => {
    it('serves SET and GET on its url', async () => {
      const redis = await startRedis();
      const client = await connected(redis.url);

      await client.set('harness:k', 'v');

      expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
      expect(await client.get('harness:k')).toBe('v');
    });

    it('requires the password when one is set, and puts it in the url', async () => {
      const redis = await startRedis({ password: 's3cret' });

      expect(redis.url).toBe(`redis://:s3cret@127.0.0.1:${redis.port}`);
      expect(await (await connected(redis.url)).ping()).toBe('PONG');
      const anonymous = new Redis(redis.port, '127.0.0.1', {
        enableReadyCheck: false,
        lazyConnect: true,
        retryStrategy: () => null,
        disconnectTimeout: 50,
      });
      clients.push(anonymous);
      await anonymous.connect();
      await expect(anonymous.ping()).rejects.toThrow(/NOAUTH/);
    });
  });

  describe('kill', () => {
    it('ends the process so commands fail', async () => {
      const redis = await startRedis();
      const client = await connected(redis.url);

      await redis.kill();

      expect(redis.pid).toBeUndefined();
      await expect(client.get('harness:k')).rejects.toThrow();
    });
  });

  describe('restart', () => {
    it('keeps a key written with appendOnly across a SIGKILL', async () => {
      const redis = await startRedis({ appendOnly: true });
      await (await connected(redis.url)).set('harness:durable', 'kept');

      await redis.kill();
      await redis.restart();

      expect(await (await connected(redis.url)).get('harness:durable')).toBe('kept');
    });

    it('starts empty without appendOnly, since snapshots are off', async () => {
      const redis = await startRedis();
      await (await connected(redis.url)).set('harness:volatile', 'gone');

      await redis.kill('SIGTERM');
      await redis.restart();

      expect(await (await connected(redis.url)).get('harness:volatile')).toBeNull();
    });
  });
});
