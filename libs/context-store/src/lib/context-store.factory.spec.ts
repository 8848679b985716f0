import { createContextStore } from './context-store.factory';
import { ContextStoreErrorCode } from './errors/context-store.exception';
import { InMemoryContextStore } from './memory/in-memory-context-store.adapter';
import { RedisContextStore } from './redis/redis-context-store.adapter';

describe(createContextStore.name, () => {
  it('returns the in-memory store when no Redis URL is configured', async () => {
    const store = createContextStore({ redisUrl: '' });

    expect(store).toBeInstanceOf(InMemoryContextStore);
    await store.close();
  });

  it('returns the Redis store, not yet connected, when a Redis URL is configured', async () => {
    const store = createContextStore({ redisUrl: 'redis://127.0.0.1:1' });

    expect(store).toBeInstanceOf(RedisContextStore);
    await store.close();
  });

  it('rejects a limit that is not a positive integer, naming it', () => {
    expect(() => createContextStore({ limits: { maxKeys: 0 } })).toThrow(
      expect.objectContaining({ reason: ContextStoreErrorCode.InvalidOption, message: expect.stringContaining('limits.maxKeys') }),
    );
  });

  it('rejects a Redis key prefix with a brace, which would break the per-context hash tag', () => {
    expect(() => createContextStore({ redisUrl: 'redis://127.0.0.1:1', redis: { keyPrefix: 'a{b}:' } })).toThrow(
      expect.objectContaining({ reason: ContextStoreErrorCode.InvalidOption, message: expect.stringContaining('keyPrefix') }),
    );
  });
});
