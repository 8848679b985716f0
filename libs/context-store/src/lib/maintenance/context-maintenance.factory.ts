import type { RedisOptions } from 'ioredis';
import type { ContextStore } from '../port/context-store.port';
import { InMemoryContextStore } from '../memory/in-memory-context-store.adapter';
import { RedisContextMaintenance } from '../redis/redis-context.maintenance';
import type { ContextMaintenance } from './context-maintenance.port';

/**
 * Maintenance of the contexts `store` holds: over Redis its own connection (a URL is needed), in memory the
 * store itself (the all-in-one).
 */
export function createContextMaintenance(config: { redisUrl?: string; store?: ContextStore; keyPrefix?: string; redis?: RedisOptions }): ContextMaintenance {
  if (config.redisUrl) {
    return new RedisContextMaintenance({ url: config.redisUrl, ...(config.keyPrefix ? { keyPrefix: config.keyPrefix } : {}), ...(config.redis ? { redis: config.redis } : {}) });
  }
  const store = config.store;
  if (!(store instanceof InMemoryContextStore)) {
    throw new TypeError('context maintenance needs a Redis URL, or the in-memory context store it should look after');
  }
  return { sweep: async (options) => store.sweep(options), stats: async () => store.stats(), close: async () => undefined };
}
