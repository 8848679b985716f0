import { type ContextChange, changeLagSeconds } from '@pimcp/context-store';
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
  private readonly contextLag: Histogram<'consumer'>;
  private readonly contextResets: Counter<'reason'>;

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
    this.contextLag = new Histogram({
      name: 'pimcp_context_change_lag_seconds',
      help: 'Context stream lag: from a write\'s commit in the store (Redis time) to this process applying it (includes clock skew between hosts).',
      labelNames: ['consumer'], registers: [registry],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    });
    this.contextResets = new Counter({
      name: 'pimcp_node_context_resets_total',
      help: 'Replicas reloaded whole instead of following changes, by reason (trimmed: fell behind the stream history; expired).',
      labelNames: ['reason'], registers: [registry],
    });
    new Gauge({ name: 'pimcp_node_tool_calls_in_flight', help: 'Calls running on this node now.', registers: [registry], collect() { this.set(sources.inFlight()); } });
    new Gauge({ name: 'pimcp_node_registered', help: '1 while the registry lists this node (joined, lease renewed), else 0.', registers: [registry], collect() { this.set(sources.registered() ? 1 : 0); } });
    new Gauge({ name: 'pimcp_node_context_replicas', help: 'Shared contexts held as local replicas.', registers: [registry], collect() { this.set(sources.contextReplicas()); } });
  }

  callEnded(capability: string, outcome: CallEndOutcome, durationMs: number): void {
    this.calls.inc({ capability, outcome });
    this.duration.observe({ capability, outcome }, durationMs / 1000);
  }

  /** A change a context replica applied: its lag, or for a reset, why the replica reloaded. */
  contextChangeApplied(change: ContextChange): void {
    if (change.type === 'reset') {
      this.contextResets.inc({ reason: change.reason });
      return;
    }
    const lag = changeLagSeconds(change.writtenAt);
    if (lag !== undefined) this.contextLag.observe({ consumer: 'replica' }, lag);
  }

  heartbeat(confirmed: boolean): void {
    this.renewals.inc({ outcome: confirmed ? 'ok' : 'failed' });
  }
}
