import { Registry } from 'prom-client';
import { NodeMetrics } from './node-metrics';

async function sample(registry: Registry, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name.replace(/_(count|sum)$/, ''));
  // Histogram values name their series (_count, _sum, _bucket); a counter's values do not.
  const suffixed = metric?.values.find((v) => ((v as { metricName?: string }).metricName ?? metric.name) === name
    && Object.entries(labels).every(([k, value]) => v.labels[k] === value));
  return suffixed?.value;
}

describe(NodeMetrics.name, () => {
  const sources = { inFlight: () => 0, registered: () => true, contextReplicas: () => 1 };

  it('observes the context stream lag of applied changes and counts replica reloads by reason', async () => {
    const registry = new Registry();
    const metrics = new NodeMetrics(registry, sources);
    metrics.contextChangeApplied({ type: 'put', contextId: 'c', key: 'k', value: 1, revision: 2, writtenAt: Date.now() - 2_000 });
    metrics.contextChangeApplied({ type: 'delete', contextId: 'c', key: 'k', revision: 3 });
    metrics.contextChangeApplied({ type: 'reset', contextId: 'c', reason: 'trimmed', entries: [], revision: 9 });

    // Only the stamped change is observed: an unstamped one has no measurable lag.
    expect(await sample(registry, 'pimcp_context_change_lag_seconds_count', { consumer: 'replica' })).toBe(1);
    const sum = await sample(registry, 'pimcp_context_change_lag_seconds_sum', { consumer: 'replica' });
    expect(sum).toBeGreaterThanOrEqual(2);
    expect(sum).toBeLessThan(10);
    expect(await sample(registry, 'pimcp_node_context_resets_total', { reason: 'trimmed' })).toBe(1);
  });
});
