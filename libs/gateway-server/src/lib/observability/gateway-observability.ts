import { CatalogCache } from '@pimcp/catalog';
import { createMetricsRegistry, etcdStatusCheck, type ReadinessCheck, redisPingCheck } from '@pimcp/observability';
import type { Routing } from '@pimcp/router';
import type { Registry } from 'prom-client';
import type { GatewayConfig } from '../config/gateway.config';
import type { ClusterViewSources } from '../dashboard/cluster-view';
import { RecentCalls } from '../dashboard/recent-calls';
import { GatewayMetrics } from './gateway-metrics';

const CIRCUIT_CODES = { closed: 0, 'half-open': 1, open: 2, isolated: 2 } as const;

export interface GatewayObservability {
  registry: Registry;
  metrics: GatewayMetrics;
  readiness: ReadinessCheck[];
  /** Recent invocations and the facts the dashboard shows. */
  recent: RecentCalls;
  dashboard: ClusterViewSources;
  close(): Promise<void>;
}

/**
 * Metrics read from the catalog and the router at scrape time, and readiness: the catalog follows the registry,
 * etcd answers (unless the registry store is embedded in this process), Redis answers (when configured).
 */
export function gatewayObservability(config: GatewayConfig, cache: CatalogCache, routing: Routing, embeddedStore: boolean): GatewayObservability {
  const registry = createMetricsRegistry('gateway');
  const metrics = new GatewayMetrics(registry, {
    catalog: () => {
      const status = cache.status();
      const loaded = status.phase === 'live' || status.phase === 'resyncing';
      return {
        tools: loaded ? cache.tools().length : 0,
        nodes: loaded ? cache.nodes().map((n) => n.nodeId) : [],
        revision: status.revision,
        live: status.phase === 'live',
      };
    },
    circuit: (nodeId) => CIRCUIT_CODES[routing.health.circuit(nodeId)],
  });
  const etcd = !embeddedStore && config.etcdHosts.length > 0 ? etcdStatusCheck(config.etcdHosts) : undefined;
  const redis = config.redisUrl ? redisPingCheck(config.redisUrl) : undefined;
  const catalog: ReadinessCheck = {
    name: 'catalog',
    check: async () => {
      const status = cache.status();
      if (status.phase !== 'live') throw new Error(`the catalog is ${status.phase}${status.lastError ? ` (${status.lastError})` : ''}`);
    },
  };
  const recent = new RecentCalls();
  const loaded = () => ['live', 'resyncing'].includes(cache.status().phase);
  const dashboard: ClusterViewSources = {
    nodes: () => (loaded() ? cache.nodes() : []),
    catalog: () => ({ phase: cache.status().phase, revision: cache.status().revision, tools: loaded() ? cache.tools().length : 0 }),
    health: (nodeId) => ({ circuit: routing.health.circuit(nodeId), inFlight: routing.health.inFlight(nodeId) }),
    recent,
  };
  return {
    registry,
    metrics,
    recent,
    dashboard,
    readiness: [catalog, ...(etcd ? [etcd] : []), ...(redis ? [redis] : [])],
    close: async () => {
      await etcd?.close();
      await redis?.close();
    },
  };
}
