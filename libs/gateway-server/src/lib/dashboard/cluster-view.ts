import type { RecentCall, RecentCalls } from './recent-calls';

/** What the dashboard shows of one node. */
export interface NodeView {
  nodeId: string;
  region: string;
  tier: string;
  labels: Record<string, string>;
  joinedAt: string;
  draining: boolean;
  /** closed (healthy), half-open, open or isolated: the gateway's circuit for the node. */
  circuit: string;
  inFlight: number;
  maxConcurrent: number | null;
  capabilities: { name: string; version: string; enabled: boolean }[];
  /** Median and 95th percentile of this node's recent invocations, ms (null without calls). */
  p50Ms: number | null;
  p95Ms: number | null;
  calls: number;
  errors: number;
}

export interface ClusterView {
  at: string;
  catalog: { phase: string; revision: number; tools: number };
  nodes: NodeView[];
  recentCalls: RecentCall[];
}

/** Where the view's facts come from: the catalog, the router's health and the recent calls. */
export interface ClusterViewSources {
  nodes(): readonly { nodeId: string; labels: Readonly<Record<string, string>>; joinedAt: string; draining: boolean; capabilities: readonly { name: string; version: string; enabled: boolean }[] }[];
  catalog(): { phase: string; revision: number; tools: number };
  health(nodeId: string): { circuit: string; inFlight: number };
  recent: RecentCalls;
}

/** The dashboard's JSON: nodes sorted by region, tier and id, each with health, load, capabilities and latency. */
export function clusterView(sources: ClusterViewSources, now = new Date()): ClusterView {
  const recent = sources.recent.list();
  const nodes = sources.nodes().map((node): NodeView => {
    const mine = recent.filter((c) => c.node === node.nodeId);
    const sorted = mine.map((c) => c.ms).sort((a, b) => a - b);
    const health = sources.health(node.nodeId);
    const max = Number(node.labels['maxConcurrent']);
    return {
      nodeId: node.nodeId,
      region: node.labels['region'] ?? '',
      tier: node.labels['tier'] ?? '',
      labels: { ...node.labels },
      joinedAt: node.joinedAt,
      draining: node.draining,
      circuit: health.circuit,
      inFlight: health.inFlight,
      maxConcurrent: Number.isFinite(max) && max > 0 ? max : null,
      capabilities: node.capabilities.map((c) => ({ name: c.name, version: c.version, enabled: c.enabled })),
      p50Ms: quantile(sorted, 0.5),
      p95Ms: quantile(sorted, 0.95),
      calls: mine.length,
      errors: mine.filter((c) => c.outcome !== 'ok').length,
    };
  });
  nodes.sort((a, b) => a.region.localeCompare(b.region) || a.tier.localeCompare(b.tier) || a.nodeId.localeCompare(b.nodeId));
  return { at: now.toISOString(), catalog: sources.catalog(), nodes, recentCalls: recent };
}

function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? null;
}
