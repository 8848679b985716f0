import type { ContextMaintenance } from '@pimcp/context-store';
import { createMetricsRegistry, etcdStatusCheck, type ObservabilityOptions, type ReadinessCheck, redisPingCheck } from '@pimcp/observability';
import { Gauge } from 'prom-client';
import type { ContextSyncConfig } from '../config/context-sync.config';
import type { ContextJanitor } from '../leadership/context-janitor';

/**
 * Metrics and readiness of context-sync: leadership and the janitor's last sweep; ready when Redis answers (the
 * embedded store: when its maintenance answers) and etcd, where leaders are elected, answers.
 */
export function contextSyncObservability(config: ContextSyncConfig, maintenance: ContextMaintenance, janitor: ContextJanitor, isLeader: () => boolean): ObservabilityOptions & { close(): Promise<void> } {
  const metrics = createMetricsRegistry('context-sync');
  new Gauge({
    name: 'pimcp_context_sync_leader', help: '1 while this replica leads context housekeeping, else 0.', registers: [metrics],
    collect() { this.set(isLeader() ? 1 : 0); },
  });
  const sweep = (name: string, help: string, value: (report: NonNullable<ContextJanitor['lastSweep']>) => number) => new Gauge({
    name, help, registers: [metrics],
    collect() {
      const last = janitor.lastSweep;
      if (last) this.set(value(last));
    },
  });
  sweep('pimcp_context_sync_last_sweep_timestamp_seconds', 'When the last housekeeping sweep finished (this replica, while leader).', (r) => Date.parse(r.at) / 1000);
  sweep('pimcp_context_sync_last_sweep_contexts', 'Contexts the last sweep looked at.', (r) => r.contexts);
  sweep('pimcp_context_sync_last_sweep_trimmed_entries', 'Change-stream entries the last sweep compacted away.', (r) => r.trimmedEntries);
  sweep('pimcp_context_sync_last_sweep_duration_seconds', 'How long the last sweep took.', (r) => r.durationMs / 1000);
  const redis = config.redisUrl ? redisPingCheck(config.redisUrl, 'context-store') : undefined;
  const store: ReadinessCheck = redis ?? { name: 'context-store', check: async () => void (await maintenance.stats()) };
  const etcd = config.etcdHosts.length > 0 ? etcdStatusCheck(config.etcdHosts) : undefined;
  return {
    metrics,
    readiness: [store, ...(etcd ? [etcd] : [])],
    close: async () => {
      await redis?.close();
      await etcd?.close();
    },
  };
}
