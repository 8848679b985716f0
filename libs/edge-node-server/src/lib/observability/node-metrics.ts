import type { CallEndOutcome } from '@pimcp/node-link';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** What the node reads at scrape time for its gauges. */
export interface NodeGaugeSources {
  inFlight(): number;
  registered(): boolean;
  contextReplicas(): number;
}

/** The edge node's series: calls by capability and outcome with their run time, in flight, lease renewals, replicas. */
export class NodeMetrics {
  private readonly calls: Counter<'capability' | 'outcome'>;
  private readonly duration: Histogram<'capability' | 'outcome'>;
  private readonly renewals: Counter<'outcome'>;

  constructor(registry: Registry, sources: NodeGaugeSources) {
    this.calls = new Counter({
      name: 'pimcp_node_tool_calls_total', help: 'Calls this node ran, by capability and outcome (ok, tool_error, failed, aborted).',
      labelNames: ['capability', 'outcome'], registers: [registry],
    });
    this.duration = new Histogram({
      name: 'pimcp_node_tool_call_duration_seconds', help: 'How long a handler ran on this node (service time, no link).',
      labelNames: ['capability', 'outcome'], registers: [registry],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    });
    this.renewals = new Counter({
      name: 'pimcp_node_lease_renewals_total', help: 'Heartbeats to the registry (each renews the node lease), by outcome (ok, failed).',
      labelNames: ['outcome'], registers: [registry],
    });
    new Gauge({ name: 'pimcp_node_tool_calls_in_flight', help: 'Calls running on this node now.', registers: [registry], collect() { this.set(sources.inFlight()); } });
    new Gauge({ name: 'pimcp_node_registered', help: '1 while the registry lists this node (joined, lease renewed), else 0.', registers: [registry], collect() { this.set(sources.registered() ? 1 : 0); } });
    new Gauge({ name: 'pimcp_node_context_replicas', help: 'Shared contexts held as local replicas.', registers: [registry], collect() { this.set(sources.contextReplicas()); } });
  }

  callEnded(capability: string, outcome: CallEndOutcome, durationMs: number): void {
    this.calls.inc({ capability, outcome });
    this.duration.observe({ capability, outcome }, durationMs / 1000);
  }

  heartbeat(confirmed: boolean): void {
    this.renewals.inc({ outcome: confirmed ? 'ok' : 'failed' });
  }
}
