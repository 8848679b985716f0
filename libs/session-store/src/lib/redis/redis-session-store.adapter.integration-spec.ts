import { ErrorCode } from '@pimcp/protocol';
import { freePort, RedisProcess } from '@pimcp/testing';
import { describeSessionStoreContract } from '../contract/session-store.contract';
import { RedisSessionStore } from './redis-session-store.adapter';

let redis: RedisProcess;

beforeAll(async () => {
  redis = await RedisProcess.start();
});

afterAll(async () => {
  await redis?.stop();
});

describeSessionStoreContract('redis', async () => {
  const store = new RedisSessionStore({ url: redis.url });
  return { store, cleanup: () => store.close() };
});

describe(RedisSessionStore.name, () => {
  it('answers STORE_UNAVAILABLE, naming the setting, when Redis is not there', async () => {
    const store = new RedisSessionStore({ url: `redis://127.0.0.1:${await freePort()}`, redis: { maxRetriesPerRequest: 0, retryStrategy: () => null } });
    await expect(store.get('x')).rejects.toMatchObject({ code: ErrorCode.StoreUnavailable, message: expect.stringContaining('PIMCP_REDIS_URL') });
    await store.close();
  });
});
