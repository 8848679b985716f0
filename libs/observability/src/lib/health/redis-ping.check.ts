import Redis from 'ioredis';
import type { ReadinessCheck } from './readiness-check';

/**
 * Redis answers PING. Its own small connection, so the probe measures Redis rather than the state of a busy
 * shared one; no offline queue and no retries, so an outage fails the probe at once instead of queueing it.
 * The URL may hold credentials: errors name the host only.
 */
export function redisPingCheck(url: string, name = 'redis'): ReadinessCheck & { close(): Promise<void> } {
  const target = new URL(url);
  const client = new Redis(url, {
    lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: 1500,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  return {
    name,
    async check() {
      if (client.status === 'end' || client.status === 'wait') await client.connect().catch(() => undefined);
      try {
        const answer = await client.ping();
        if (answer !== 'PONG') throw new Error(`unexpected answer ${answer}`);
      } catch (error) {
        throw new Error(`Redis at ${target.host} does not answer: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
    close: async () => {
      client.disconnect();
    },
  };
}
