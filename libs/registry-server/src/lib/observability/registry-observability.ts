import { createMetricsRegistry, etcdStatusCheck, type ReadinessCheck } from '@pimcp/observability';
import type { LeaderElector, RegistryStore } from '@pimcp/registry-store';
import type { Registry } from 'prom-client';
import type { RegistryConfig } from '../config/registry.config';
import { RegistryMetrics } from './registry-metrics';

/**
 * Metrics and readiness of the registry: ready when its store answers: etcd's status call when it uses etcd (a
 * snapshot would read every node on every probe), a snapshot of the embedded store otherwise.
 */
export function registryObservability(config: RegistryConfig, store: RegistryStore, elector: LeaderElector, ownsStore: boolean): {
  metrics: Registry; readiness: ReadinessCheck[]; registryMetrics: RegistryMetrics;
} {
  const metrics = createMetricsRegistry('registry');
  const registryMetrics = new RegistryMetrics(metrics, () => elector.isLeader);
  const readiness: ReadinessCheck = ownsStore && config.etcdHosts.length > 0
    ? etcdStatusCheck(config.etcdHosts, 'registry-store')
    : { name: 'registry-store', check: async () => void (await store.snapshot()) };
  return { metrics, readiness: [readiness], registryMetrics };
}
