import { changeLagSeconds, type ContextWriteNote } from '@pimcp/context-store';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Outcomes of one invocation on one node, as the metrics label them. */
export type CallOutcome = 'ok' | 'tool_error' | 'failed' | 'cancelled';

/** What the gateway reads at scrape time for its gauges (no bookkeeping on the hot path). */
export interface GatewayGaugeSources {
  catalog(): { tools: number; nodes: readonly string[]; revision: number; live: boolean };
  /** 0 closed, 1 half-open, 2 open. */
  circuit(nodeId: string): number;
}

/**
 * The gateway's series: invocations by capability, node and outcome with their latency, invocations in flight per
 * node, the catalog's size and revision, and each node's circuit state.
 */
export class GatewayMetrics {
  readonly calls: Counter<'capability' | 'node' | 'outcome'>;
  readonly latency: Histogram<'capability' | 'node' | 'outcome'>;
  readonly inFlight: Gauge<'node'>;
  private readonly contextLag: Histogram<'consumer'>;

  constructor(registry: Registry, sources: GatewayGaugeSources) {
    this.calls = new Counter({
      name: 'pimcp_gateway_tool_calls_total', help: 'Tool invocations sent to nodes, by capability, node and outcome (each retry or hedge counts).',
      labelNames: ['capability', 'node', 'outcome'], registers: [registry],
    });
    this.latency = new Histogram({
      name: 'pimcp_gateway_tool_call_duration_seconds', help: 'Time from sending an invocation to a node to its answer, as the gateway sees it.',
      labelNames: ['capability', 'node', 'outcome'], registers: [registry],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    });
    this.inFlight = new Gauge({
      name: 'pimcp_gateway_tool_calls_in_flight', help: 'Invocations sent to a node and not answered yet.', labelNames: ['node'], registers: [registry],
    });
    this.contextLag = new Histogram({
      name: 'pimcp_context_change_lag_seconds',
      help: 'Context stream lag: from a write\'s commit in the store (Redis time) to this process hearing of it (includes clock skew between hosts).',
      labelNames: ['consumer'], registers: [registry],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    });
    new Gauge({
      name: 'pimcp_gateway_catalog_tools', help: 'Tools in the federated catalog (without per-node aliases).', registers: [registry],
      collect() { this.set(sources.catalog().tools); },
    });
    new Gauge({
      name: 'pimcp_gateway_catalog_nodes', help: 'Live nodes in the catalog.', registers: [registry],
      collect() { this.set(sources.catalog().nodes.length); },
    });
    new Gauge({
      name: 'pimcp_gateway_catalog_revision', help: 'Registry store revision the catalog has applied.', registers: [registry],
      collect() { this.set(sources.catalog().revision); },
    });
    new Gauge({
      name: 'pimcp_gateway_catalog_live', help: '1 while the catalog follows the registry watch, 0 while it resynchronises or before it loaded.', registers: [registry],
      collect() { this.set(sources.catalog().live ? 1 : 0); },
    });
    new Gauge({
      name: 'pimcp_gateway_node_circuit_state', help: 'Circuit breaker per node: 0 closed, 1 half-open, 2 open.', labelNames: ['node'], registers: [registry],
      collect() {
        this.reset();
        for (const node of sources.catalog().nodes) this.set({ node }, sources.circuit(node));
      },
    });
  }

  /** A change-feed note (what drives resources/updated for context:// subscribers): how late it arrived. */
  contextWriteHeard(note: ContextWriteNote): void {
    const lag = changeLagSeconds(note.writtenAt);
    if (lag !== undefined) this.contextLag.observe({ consumer: 'change_feed' }, lag);
  }
}
