/** Picks the adapter from configuration: etcd when hosts are configured, the embedded store otherwise. */
import type { LeaderElector } from './port/leader-elector.port';
import type { RegistryStore } from './port/registry-store.port';
import { EmbeddedLeaderElector } from './embedded/embedded-leader-elector.adapter';
import { EmbeddedRegistryStore, type EmbeddedRegistryStoreOptions } from './embedded/embedded-registry-store.adapter';
import type { EtcdConnectionOptions } from './etcd/etcd-client.factory';
import { EtcdLeaderElector } from './etcd/etcd-leader-elector.adapter';
import { EtcdRegistryStore } from './etcd/etcd-registry-store.adapter';

export interface RegistryStoreConfig {
  /** etcd client URLs; empty or absent selects the embedded store. */
  etcdHosts?: string[];
  /** TLS, auth and timeouts for etcd. */
  etcd?: Omit<EtcdConnectionOptions, 'hosts'>;
  embedded?: EmbeddedRegistryStoreOptions;
}

export interface LeaderElectorConfig {
  /** Which replicas contend, e.g. "registry" or "context-sync". */
  service: string;
  etcdHosts?: string[];
  etcd?: Omit<EtcdConnectionOptions, 'hosts'>;
  /** etcd campaign lease TTL (default 10 s). */
  ttlSeconds?: number;
}

export function createRegistryStore(config: RegistryStoreConfig = {}): RegistryStore {
  if (config.etcdHosts && config.etcdHosts.length > 0) {
    return new EtcdRegistryStore({ ...config.etcd, hosts: config.etcdHosts });
  }
  return new EmbeddedRegistryStore(config.embedded);
}

export function createLeaderElector(config: LeaderElectorConfig): LeaderElector {
  if (config.etcdHosts && config.etcdHosts.length > 0) {
    return new EtcdLeaderElector({
      ...config.etcd, hosts: config.etcdHosts, service: config.service,
      ...(config.ttlSeconds !== undefined ? { ttlSeconds: config.ttlSeconds } : {}),
    });
  }
  return new EmbeddedLeaderElector({ service: config.service });
}
