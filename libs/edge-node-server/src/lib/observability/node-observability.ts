import { createMetricsRegistry } from '@pimcp/observability/metrics';
import { NodeHttpServer } from './node-http-server';
import { type NodeGaugeSources, NodeMetrics } from './node-metrics';

export interface NodeObservability {
  metrics: NodeMetrics;
  url: string;
  close(): Promise<void>;
}

/** Metrics and the operator port, started only when PIMCP_NODE_METRICS_PORT is set (the module loads prom-client). */
export async function startNodeObservability(
  options: { host: string; port: number; nodeId: string },
  sources: NodeGaugeSources & { accepting(): boolean },
): Promise<NodeObservability> {
  const registry = createMetricsRegistry('edge-node');
  registry.setDefaultLabels({ app: 'edge-node', node: options.nodeId });
  const metrics = new NodeMetrics(registry, sources);
  const server = await NodeHttpServer.start({
    host: options.host, port: options.port, metrics: registry,
    notReadyBecause: () => {
      if (!sources.accepting()) return 'shutting down: not accepting calls';
      if (!sources.registered()) return 'not registered with the registry (joining, or its lease was lost)';
      return undefined;
    },
  });
  return { metrics, url: server.url, close: () => server.close() };
}
