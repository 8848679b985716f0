import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * One Prometheus registry per app, with the app's name as a default label and Node's process metrics (CPU, RSS,
 * heap, event-loop lag, handles). One per app rather than prom-client's global one, so the all-in-one `pimcp up`
 * (several apps in one process) and tests do not mix series.
 */
export function createMetricsRegistry(app: string, options: { processMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ app });
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'pimcp_' });
  return registry;
}
