import { EtcdProcess, RedisProcess } from '@pimcp/testing';
import { etcdStatusCheck } from './etcd-status.check';
import { redisPingCheck } from './redis-ping.check';

describe('readiness checks against real etcd and Redis', () => {
  let redis: RedisProcess;
  let etcd: EtcdProcess;

  beforeAll(async () => {
    [redis, etcd] = await Promise.all([RedisProcess.start({ password: 's3cret-pw' }), EtcdProcess.start()]);
  });

  afterAll(async () => {
    await Promise.all([redis?.stop(), etcd?.stop()]);
  });

  it('follows Redis going down and coming back, and never shows the password', async () => {
    const check = redisPingCheck(redis.url);
    try {
      await expect(check.check()).resolves.toBeUndefined();
      await redis.kill();
      const failure = await check.check().then(() => undefined, (error: Error) => error);
      expect(failure?.message).toMatch(/^Redis at 127\.0\.0\.1:\d+ does not answer/);
      expect(failure?.message).not.toContain('s3cret-pw');
      await redis.restart();
      await expect(check.check()).resolves.toBeUndefined();
    } finally {
      await check.close();
    }
  });

  it('follows etcd going down and coming back', async () => {
    const check = etcdStatusCheck([etcd.clientUrl]);
    try {
      await expect(check.check()).resolves.toBeUndefined();
      await etcd.kill();
      await expect(check.check()).rejects.toThrow(/^etcd at .* does not answer/);
      await etcd.restart();
      await expect(check.check()).resolves.toBeUndefined();
    } finally {
      await check.close();
    }
  }, 30_000);
});
