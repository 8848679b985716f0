/** Picks the adapter from configuration: Redis when a URL is configured, the in-memory store otherwise. */
import type { ContextStore } from './port/context-store.port';
import { InMemoryContextStore } from './memory/in-memory-context-store.adapter';
import { RedisContextStore, type RedisContextStoreOptions } from './redis/redis-context-store.adapter';
import type { ContextLimits } from './shared/context-limits';

export interface ContextStoreConfig {
  /** `redis://` or `rediss://` URL (PIMCP_REDIS_URL); absent or empty selects the in-memory store. */
  redisUrl?: string;
  limits?: Partial<ContextLimits>;
  /** Redis-only settings: key prefix, watch block time, patch attempts, ioredis options. */
  redis?: Omit<RedisContextStoreOptions, 'url' | 'limits'>;
}

export function createContextStore(config: ContextStoreConfig = {}): ContextStore {
  if (config.redisUrl) return new RedisContextStore({ ...config.redis, url: config.redisUrl, limits: config.limits });
  return new InMemoryContextStore({ limits: config.limits });
}
