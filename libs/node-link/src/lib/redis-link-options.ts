import type { RedisOptions } from '@nestjs/microservices';
import type { ConnectionOptions } from 'node:tls';

/**
 * Turns a redis:// URL (ACL user and password, db, TLS by rediss://) into Nest's Redis transport options;
 * `tls` adds a CA or client certificate to a rediss:// connection (PIMCP_REDIS_TLS_*).
 */
export function redisLinkOptions(url: string, tls?: ConnectionOptions): Required<RedisOptions>['options'] {
  const parsed = new URL(url);
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: Number(parsed.port || 6379),
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.pathname.length > 1 ? { db: Number(parsed.pathname.slice(1)) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: { ...tls } } : {}),
    // A broker that is down must not hold calls forever; the gateway's deadline bounds the wait.
    retryAttempts: 0,
    maxRetriesPerRequest: 1,
  };
}

/** The link address a node publishes: the broker's host and port, never its credentials. */
export function publicRedisAddress(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}`;
}
