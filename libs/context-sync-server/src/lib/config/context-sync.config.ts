import { hostname } from 'node:os';
import { type ConfigDefinition, ConfigLoader, type ConfigOf } from '@pimcp/config';
import { etcdTlsSettings, redisTlsSettings, serviceTlsSettings } from '@pimcp/tls/runtime';

const ETCD_ENDPOINT = /^[\w.-]+:\d+$|^\[[0-9a-fA-F:]+\]:\d+$|^https?:\/\/[\w.-]+:\d+$/;

/** Every context-sync setting, its variable and default. */
export const contextSyncConfigDefinition = {
  httpHost: { env: 'PIMCP_CONTEXT_SYNC_HTTP_HOST', type: 'string', default: '127.0.0.1', description: 'Address the stats and health HTTP API listens on.' },
  httpPort: { env: 'PIMCP_CONTEXT_SYNC_HTTP_PORT', type: 'int', min: 0, max: 65535, default: 8084, description: 'Port of the stats and health HTTP API (0 picks a free port).' },
  redisUrl: { env: 'PIMCP_REDIS_URL', type: 'string', default: '', pattern: /^$|^rediss?:\/\/\S+$/, patternHint: 'a redis:// URL', secret: true, description: 'Redis holding the shared contexts. Required when run on its own.' },
  etcdHosts: {
    env: 'PIMCP_ETCD_HOSTS', type: 'list', default: [], pattern: ETCD_ENDPOINT, patternHint: 'an etcd endpoint such as http://10.0.0.1:2379',
    description: 'etcd endpoints for leader election among context-sync replicas. Empty: this replica leads alone (one replica only).',
  },
  electionTtlSeconds: { env: 'PIMCP_CONTEXT_SYNC_ELECTION_TTL_SECONDS', type: 'int', min: 1, max: 60, default: 5, description: 'Leader lease TTL; a follower takes over within about twice this after the leader dies.' },
  sweepIntervalMs: { env: 'PIMCP_CONTEXT_SYNC_SWEEP_INTERVAL_MS', type: 'int', min: 100, max: 86_400_000, default: 60_000, description: 'How often the leader compacts histories, removes orphaned parts and realigns TTLs.' },
  retainChanges: { env: 'PIMCP_CONTEXT_SYNC_RETAIN_CHANGES', type: 'int', min: 0, max: 1_000_000, default: 200, description: 'Changes each context keeps for watchers after a sweep; one further behind gets the whole state instead.' },
  replicaId: { env: 'PIMCP_CONTEXT_SYNC_REPLICA_ID', type: 'string', default: '', description: 'This replica\'s name in leader election (default: hostname-pid).' },
  ...serviceTlsSettings,
  ...etcdTlsSettings,
  ...redisTlsSettings,
} as const satisfies ConfigDefinition;

export type ContextSyncConfig = ConfigOf<typeof contextSyncConfigDefinition>;

export const contextSyncConfig = new ConfigLoader(contextSyncConfigDefinition);

export function replicaIdOf(config: ContextSyncConfig): string {
  return config.replicaId || `${hostname()}-${process.pid}`;
}
