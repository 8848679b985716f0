import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The registry's series: node-link requests (joins, heartbeats = lease renewals, leaves) and leadership. */
export class RegistryMetrics {
  readonly linkRequests: Counter<'pattern' | 'outcome'>;
  readonly linkLatency: Histogram<'pattern'>;

  constructor(registry: Registry, isLeader: () => boolean) {
    this.linkRequests = new Counter({
      name: 'pimcp_registry_link_requests_total',
      help: 'Node-link requests by pattern (registry.join, registry.heartbeat: a lease renewal, registry.leave) and outcome (ok or the error code).',
      labelNames: ['pattern', 'outcome'], registers: [registry],
    });
    this.linkLatency = new Histogram({
      name: 'pimcp_registry_link_request_duration_seconds', help: 'Time to answer a node-link request, etcd round trips included.',
      labelNames: ['pattern'], registers: [registry], buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    });
    new Gauge({
      name: 'pimcp_registry_leader', help: '1 while this replica is the elected leader (runs housekeeping), else 0.', registers: [registry],
      collect() { this.set(isLeader() ? 1 : 0); },
    });
  }
}
