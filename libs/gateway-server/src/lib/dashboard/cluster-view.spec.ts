import { clusterView, type ClusterViewSources } from './cluster-view';
import { RecentCalls } from './recent-calls';

describe('RecentCalls', () => {
  it('keeps the last calls oldest first, never more than its capacity', () => {
    const recent = new RecentCalls(3);
    for (let i = 1; i <= 5; i++) recent.record({ at: i, capability: 'c', node: 'n', ms: i, outcome: 'ok' });
    expect(recent.list().map((c) => c.at)).toEqual([3, 4, 5]);
  });
});

describe('clusterView', () => {
  const node = (nodeId: string, labels: Record<string, string>) => ({
    nodeId, labels, joinedAt: '2026-12-04T00:00:00.000Z', draining: false, capabilities: [{ name: 'system.info', version: '1.0.0', enabled: true }],
  });

  it('orders nodes by region, tier and id, with load, circuit and latency quantiles from their own calls', () => {
    const recent = new RecentCalls();
    [5, 1, 3, 2, 4].forEach((ms) => recent.record({ at: ms, capability: 'system.info', node: 'pi-b', ms, outcome: ms === 5 ? 'failed' : 'ok' }));
    const sources: ClusterViewSources = {
      nodes: () => [
        node('pi-b', { region: 'tokyo', tier: 'edge', maxConcurrent: '8' }),
        node('cloud-1', { region: 'eu', tier: 'cloud' }),
        node('pi-a', { region: 'tokyo', tier: 'edge', maxConcurrent: 'lots' }),
      ],
      catalog: () => ({ phase: 'live', revision: 9, tools: 1 }),
      health: (id) => ({ circuit: id === 'pi-a' ? 'open' : 'closed', inFlight: id === 'pi-b' ? 2 : 0 }),
      recent,
    };
    const view = clusterView(sources, new Date('2026-12-04T10:00:00Z'));
    expect(view.nodes.map((n) => n.nodeId)).toEqual(['cloud-1', 'pi-a', 'pi-b']);
    expect(view.nodes[2]).toMatchObject({ region: 'tokyo', tier: 'edge', inFlight: 2, maxConcurrent: 8, circuit: 'closed', p50Ms: 3, p95Ms: 5, calls: 5, errors: 1 });
    expect(view.nodes[1]).toMatchObject({ circuit: 'open', maxConcurrent: null, p50Ms: null, calls: 0 });
    expect(view).toMatchObject({ at: '2026-12-04T10:00:00.000Z', catalog: { revision: 9 } });
    expect(view.recentCalls).toHaveLength(5);
  });
});
