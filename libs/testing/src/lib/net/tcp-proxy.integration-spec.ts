import { Etcd3 } from 'etcd3';
import Redis from 'ioredis';
import { EtcdProcess } from '../etcd/etcd-process';
import { RedisProcess } from '../redis/redis-process';
import { pollUntil } from '../util/poll-until.util';
import { TcpProxy } from './tcp-proxy';

describe(TcpProxy.name, () => {
  let redis: RedisProcess;
  let etcd: EtcdProcess;
  let redisProxy: TcpProxy;
  let etcdProxy: TcpProxy;
  let redisClient: Redis;
  let etcdClient: Etcd3;

  beforeAll(async () => {
    [redis, etcd] = await Promise.all([RedisProcess.start(), EtcdProcess.start()]);
    redisProxy = await TcpProxy.start({ host: '127.0.0.1', port: redis.port });
    etcdProxy = await TcpProxy.start({ host: '127.0.0.1', port: Number(new URL(etcd.clientUrl).port) });
    // The offline queue is off so a cut link fails commands instead of queueing them;
    // the fast retryStrategy lets the test see the reconnect after restore().
    redisClient = new Redis(redisProxy.urlFor('redis'), {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => 50,
      disconnectTimeout: 50,
    });
    redisClient.on('error', () => undefined);
    etcdClient = new Etcd3({
      hosts: etcdProxy.urlFor(),
      dialTimeout: 1_000,
      defaultCallOptions: () => ({ deadline: Date.now() + 1_000 }),
    });
  });

  afterAll(async () => {
    redisClient?.disconnect();
    etcdClient?.close();
    await Promise.all([redisProxy?.stop(), etcdProxy?.stop()]);
    await Promise.all([redis?.stop(), etcd?.stop()]);
  });

  describe('start', () => {
    it('forwards a Redis and an etcd client to their servers', async () => {
      await pollUntil(() => redisClient.status === 'ready', { description: 'ioredis through the proxy' });
      await redisClient.set('proxy:k', 'via-proxy');
      await etcdClient.put('proxy/k').value('via-proxy');

      expect(redisProxy.urlFor('redis')).toBe(`redis://127.0.0.1:${redisProxy.port}`);
      expect(await redisClient.get('proxy:k')).toBe('via-proxy');
      expect(await etcdClient.get('proxy/k').string()).toBe('via-proxy');
    });
  });

  describe('cut', () => {
    it('breaks open connections and refuses new ones while the servers stay up', async () => {
      redisProxy.cut();
      etcdProxy.cut();

      await expect(redisClient.get('proxy:k')).rejects.toThrow();
      await expect(etcdClient.get('proxy/k').string()).rejects.toThrow();
      const direct = new Redis(redis.url, { lazyConnect: true });
      await direct.connect();
      const value = await direct.get('proxy:k');
      await direct.quit();
      expect(value).toBe('via-proxy');
    });
  });

  describe('restore', () => {
    it('lets the same clients reconnect', async () => {
      redisProxy.restore();
      etcdProxy.restore();

      const viaRedis = pollUntil(() => redisClient.get('proxy:k'), {
        timeoutMs: 5_000,
        description: 'Redis through the restored proxy',
      });
      // etcd3's circuit breaker pauses a host for 5 s after repeated failures.
      const viaEtcd = pollUntil(() => etcdClient.get('proxy/k').string(), {
        timeoutMs: 15_000,
        description: 'etcd through the restored proxy',
      });

      await expect(viaRedis).resolves.toBe('via-proxy');
      await expect(viaEtcd).resolves.toBe('via-proxy');
    });
  });
});
