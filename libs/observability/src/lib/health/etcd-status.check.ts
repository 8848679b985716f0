import { noop } from 'cockatiel';
import { Etcd3 } from 'etcd3';
import type { ReadinessCheck } from './readiness-check';

/**
 * etcd answers a maintenance status call (a member is up and reachable); its own client, like redisPingCheck.
 * Without etcd3's retries and circuit breaker: a probe must say what etcd does now, not what it did seconds ago.
 */
export function etcdStatusCheck(hosts: readonly string[], name = 'etcd'): ReadinessCheck & { close(): Promise<void> } {
  const client = new Etcd3({ hosts: [...hosts], dialTimeout: 1500, faultHandling: { host: () => noop, global: noop } });
  return {
    name,
    async check() {
      try {
        await client.maintenance.status();
      } catch (error) {
        throw new Error(`etcd at ${hosts.join(', ')} does not answer: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
    close: async () => {
      client.close();
    },
  };
}
