import { ErrorCode } from '@pimcp/protocol';
import { NodeHealth } from '../health/node-health';
import { RoutingPolicies } from '../policy/routing-policies';
import { RouteError, RouteFailure } from '../route-error';
import type { RouteDecision, RoutePlan, RouteRequest } from '../router.types';
import { parseTarget } from '../targeting/parse-target';
import { testCapability, testNode, type TestNode } from '../testing/route-fixtures';
import { Router, type RouterOptions } from './router';

const search = testCapability('file.search', 'standard');
const heavy = testCapability('model.infer', 'heavy');
const light = testCapability('sensor.read', 'light');

function plan(decision: RouteDecision<TestNode>): RoutePlan<TestNode> {
  if (decision.kind !== 'routed') throw new Error(`expected a routed decision, got ${JSON.stringify(decision)}`);
  return decision.plan;
}

function routeError(run: () => unknown): RouteError {
  try {
    run();
  } catch (err) {
    if (err instanceof RouteError) return err;
    throw err;
  }
  throw new Error('expected a RouteError');
}

describe(Router.name, () => {
  let policies: RoutingPolicies;
  let health: NodeHealth;
  let router: Router;
  const setup = (options: RouterOptions = {}) => {
    policies = new RoutingPolicies();
    health = new NodeHealth({ halfOpenAfterMs: 60_000 });
    router = new Router(policies, health, options);
  };
  beforeEach(() => setup());
  const route = (request: Partial<RouteRequest<TestNode>> & Pick<RouteRequest<TestNode>, 'providers'>) => router.route({ capability: search, ...request });
  /** Node ids chosen by `n` routes in a row, nothing in flight. */
  const choices = (n: number, request: Partial<RouteRequest<TestNode>> & Pick<RouteRequest<TestNode>, 'providers'>) =>
    Array.from({ length: n }, () => plan(route(request)).node.nodeId);

  describe('route: the score', () => {
    it('sends a heavy capability to a cloud node rather than an edge node', () => {
      const providers = [testNode('pi-1', { tier: 'edge' }), testNode('cloud-1', { tier: 'cloud' })];
      expect(new Set(choices(10, { capability: heavy, providers }))).toEqual(new Set(['cloud-1']));
    });

    it('prefers a heavy capability on a node with a GPU or accelerator', () => {
      const providers = [testNode('cloud-1', { tier: 'cloud' }), testNode('cloud-2', { tier: 'cloud', gpu: 'true' })];
      expect(new Set(choices(10, { capability: heavy, providers }))).toEqual(new Set(['cloud-2']));
      const tpu = [testNode('cloud-1', { tier: 'cloud', accelerator: 'none' }), testNode('cloud-3', { tier: 'cloud', accelerator: 'tpu-v5' })];
      expect(new Set(choices(10, { capability: heavy, providers: tpu }))).toEqual(new Set(['cloud-3']));
    });

    it('sends a light capability to the edge node in the caller region', () => {
      const providers = [
        testNode('pi-osaka', { tier: 'edge', region: 'osaka' }),
        testNode('pi-tokyo', { tier: 'edge', region: 'tokyo' }),
        testNode('cloud-tokyo', { tier: 'cloud', region: 'tokyo' }),
      ];
      expect(new Set(choices(10, { capability: light, providers, callerRegion: 'tokyo' }))).toEqual(new Set(['pi-tokyo']));
      expect(new Set(choices(10, { capability: light, providers, callerRegion: 'osaka' }))).toEqual(new Set(['pi-osaka']));
    });

    it('shares calls between equal nodes', () => {
      const picks = choices(10, { providers: [testNode('pi-1'), testNode('pi-2')] });
      expect(picks.filter((id) => id === 'pi-1')).toHaveLength(5);
    });

    it('prefers the node with fewer calls in flight against its declared concurrency', () => {
      const providers = [testNode('pi-1', { maxConcurrent: '4' }), testNode('pi-2', {}, { maxConcurrent: 16 })];
      health.acquire('pi-1');
      health.acquire('pi-2');
      // pi-1 is 1/4 busy, pi-2 1/16.
      expect(new Set(choices(6, { providers }))).toEqual(new Set(['pi-2']));
    });

    it('never chooses a saturated node, even when it still scores best', () => {
      policies.set('file.search', { prefer: [{ selector: 'gpu=true', weight: 50 }] });
      const providers = [testNode('pi-1', { maxConcurrent: '2', gpu: 'true' }), testNode('pi-2')];
      health.acquire('pi-1');
      health.acquire('pi-1');
      expect(new Set(choices(6, { providers, preferredNodeIds: ['pi-1'] }))).toEqual(new Set(['pi-2']));
    });

    it('answers saturated, with the counts, when every eligible node is full', () => {
      const providers = [testNode('pi-1', { maxConcurrent: '1' }), testNode('pi-2', {}, { maxConcurrent: 2 })];
      health.acquire('pi-1');
      health.acquire('pi-2');
      health.acquire('pi-2');
      expect(route({ providers })).toEqual({
        kind: 'saturated',
        nodes: [{ nodeId: 'pi-1', inFlight: 1, maxConcurrent: 1 }, { nodeId: 'pi-2', inFlight: 2, maxConcurrent: 2 }],
      });
    });

    it('uses the router default concurrency when a node declares none', () => {
      setup({ defaultMaxConcurrent: 1 });
      health.acquire('pi-1');
      expect(route({ providers: [testNode('pi-1')] }).kind).toBe('saturated');
    });

    it('excludes a node whose circuit is open, and draining nodes', () => {
      health.markLinkFailure('pi-1');
      const providers = [testNode('pi-1'), testNode('pi-2', {}, { draining: true }), testNode('pi-3')];
      expect(new Set(choices(6, { providers }))).toEqual(new Set(['pi-3']));
    });

    it('probes a half-open node with a retry-safe call only, scoring it low for other calls', async () => {
      setup();
      health = new NodeHealth({ halfOpenAfterMs: 30 });
      router = new Router(policies, health);
      health.markLinkFailure('pi-1');
      await new Promise((resolve) => setTimeout(resolve, 40));
      const providers = [testNode('pi-1'), testNode('pi-2')];
      expect(health.circuit('pi-1')).toBe('half-open');
      const probe = plan(route({ capability: testCapability('file.read', 'standard', { annotations: { readOnlyHint: true } }), providers }));
      expect(probe).toMatchObject({ reason: 'probe', node: { nodeId: 'pi-1' } });
      expect(new Set(choices(6, { capability: testCapability('file.write'), providers }))).toEqual(new Set(['pi-2']));
      expect(plan(route({ capability: testCapability('file.write'), providers, target: parseTarget('pi-1') })).score.health).toBe(0);
    });

    it('fails retryable, naming each node and why, when no node is available', () => {
      health.markLinkFailure('pi-1');
      const error = routeError(() => route({
        providers: [testNode('pi-1'), testNode('pi-2', {}, { draining: true }), testNode('pi-3')],
        exclude: new Set(['pi-3']),
      }));
      expect(error).toMatchObject({ code: ErrorCode.NodeUnavailable, retryable: true, failure: RouteFailure.Unavailable });
      expect(error.message).toBe('no node can run file.search now: pi-1 circuit open, pi-2 draining, pi-3 already tried; retry later');
    });

    it('prefers the node with the lower latency EWMA', () => {
      for (const ms of [200, 220, 180]) health.recordLatency('pi-1', 'file.search', ms);
      for (const ms of [20, 25, 15]) health.recordLatency('pi-2', 'file.search', ms);
      const providers = [testNode('pi-1'), testNode('pi-2')];
      expect(new Set(choices(6, { providers }))).toEqual(new Set(['pi-2']));
      const chosen = plan(route({ providers }));
      expect(chosen.score.latency).toBeCloseTo(20);
    });

    it('counts the link round trip in the latency', () => {
      health.recordLatency('pi-1', 'file.search', 50);
      health.recordLatency('pi-2', 'file.search', 50);
      health.recordRtt('pi-2', 400);
      expect(new Set(choices(6, { providers: [testNode('pi-1'), testNode('pi-2')] }))).toEqual(new Set(['pi-1']));
    });

    it('prefers the node holding the call affinity (e.g. the context replica)', () => {
      const providers = [testNode('pi-1'), testNode('pi-2'), testNode('pi-3')];
      expect(new Set(choices(6, { providers, preferredNodeIds: ['pi-2'] }))).toEqual(new Set(['pi-2']));
      expect(plan(route({ providers, preferredNodeIds: ['pi-2'] })).score.affinity).toBe(15);
    });

    it('explains the chosen node by a breakdown that adds up to the score it was chosen by', () => {
      const providers = [testNode('pi-1', { tier: 'edge', region: 'tokyo' }), testNode('pi-2', { tier: 'cloud' })];
      health.acquire('pi-1');
      const chosen = plan(route({ capability: light, providers, callerRegion: 'tokyo', preferredNodeIds: ['pi-1'] }));
      // health 20 + load 30 * 7/8 + latency 20 + tier 25 (edge, same region) + affinity 15.
      expect(chosen.score).toEqual({ total: 106.25, health: 20, load: 26.25, latency: 20, tier: 25, affinity: 15, prefer: 0 });
      expect(chosen.explanation).toBe('sensor.read to pi-1 by score (score 106.3; 2 of 2 candidates with room)');
    });

    it('applies configured weights', () => {
      setup({ weights: { affinity: 0 } });
      const picks = choices(6, { providers: [testNode('pi-1'), testNode('pi-2')], preferredNodeIds: ['pi-2'] });
      expect(new Set(picks)).toEqual(new Set(['pi-1', 'pi-2']));
    });

    it('fails retryable when no live node offers the capability', () => {
      expect(routeError(() => route({ providers: [] }))).toMatchObject({ code: ErrorCode.NodeUnavailable, failure: RouteFailure.NoProvider });
    });
  });

  describe('route: policies', () => {
    it('prefer adds its weight to matching nodes (negative weights steer away)', () => {
      const providers = [testNode('pi-1', { arch: 'x64' }), testNode('pi-2', { arch: 'arm64' })];
      policies.set('file.search', { prefer: [{ selector: 'arch=arm64', weight: 30 }] });
      expect(new Set(choices(6, { providers }))).toEqual(new Set(['pi-2']));
      policies.set('file.search', { prefer: [{ selector: 'arch=arm64', weight: -30 }] });
      expect(new Set(choices(6, { providers }))).toEqual(new Set(['pi-1']));
    });

    it('require keeps only matching nodes', () => {
      policies.set('file.search', { require: ['region=tokyo', 'arch in (arm64)'] });
      const providers = [testNode('pi-1', { region: 'tokyo', arch: 'x64' }), testNode('pi-2', { region: 'tokyo', arch: 'arm64' }), testNode('pi-3', { region: 'osaka', arch: 'arm64' })];
      expect(new Set(choices(6, { providers }))).toEqual(new Set(['pi-2']));
    });

    it('require that matches nothing is a retryable error naming the selector and the nodes labels', () => {
      policies.set('file.search', { require: ['gpu=true'] });
      const error = routeError(() => route({ providers: [testNode('pi-1', { gpu: 'false' }), testNode('pi-2')] }));
      expect(error).toMatchObject({ code: ErrorCode.NodeUnavailable, failure: RouteFailure.NoMatch, nodeIds: ['pi-1', 'pi-2'] });
      expect(error.message).toBe('no live node offering file.search matches its routing policy\'s require "gpu=true" (nodes offering it: pi-1 gpu=false, pi-2 gpu unset)');
    });

    it('spread takes the eligible nodes in turn whatever their scores, skipping full ones', () => {
      for (const ms of [500, 500]) health.recordLatency('pi-1', 'file.search', ms);
      policies.set('file.search', { spread: true });
      const providers = [testNode('pi-1'), testNode('pi-2'), testNode('pi-3', { maxConcurrent: '1' })];
      expect(choices(6, { providers })).toEqual(['pi-1', 'pi-2', 'pi-3', 'pi-1', 'pi-2', 'pi-3']);
      health.acquire('pi-3');
      expect(choices(4, { providers })).toEqual(['pi-1', 'pi-2', 'pi-1', 'pi-2']);
      expect(plan(route({ providers })).reason).toBe('spread');
    });

    it('pin always takes the pinned node', () => {
      for (const ms of [500, 500]) health.recordLatency('pi-2', 'file.search', ms);
      policies.set('file.search', { pin: 'pi-2' });
      const providers = [testNode('pi-1'), testNode('pi-2')];
      expect(new Set(choices(6, { providers }))).toEqual(new Set(['pi-2']));
      expect(plan(route({ providers })).reason).toBe('pin');
    });

    it('pin to a node that is not offering the capability is a retryable error naming it', () => {
      policies.set('file.search', { pin: 'pi-9' });
      const error = routeError(() => route({ providers: [testNode('pi-1'), testNode('pi-2')] }));
      expect(error).toMatchObject({ code: ErrorCode.NodeUnavailable, failure: RouteFailure.NoMatch, nodeIds: ['pi-9'] });
      expect(error.message).toContain('pins it to node pi-9, which is not live or does not offer it (nodes offering it: pi-1, pi-2)');
    });

    it('the * policy applies to capabilities without their own', () => {
      policies.set('*', { require: ['tier=cloud'] });
      const providers = [testNode('pi-1', { tier: 'edge' }), testNode('cloud-1', { tier: 'cloud' })];
      expect(new Set(choices(4, { capability: light, providers }))).toEqual(new Set(['cloud-1']));
    });
  });

  describe('route: explicit target', () => {
    const providers = [testNode('pi-1', { region: 'osaka' }), testNode('pi-2', { region: 'osaka', gpu: 'true' }), testNode('pi-3', { region: 'tokyo' })];

    it('sends the call to the named node', () => {
      const chosen = plan(route({ providers, target: parseTarget('pi-1') }));
      expect(chosen.node.nodeId).toBe('pi-1');
      expect(chosen.reason).toBe('target');
    });

    it('keeps only nodes matching the selector', () => {
      expect(new Set(choices(6, { providers, target: parseTarget('region=osaka,gpu=true') }))).toEqual(new Set(['pi-2']));
    });

    it('a selector matching nothing is INVALID_REQUEST naming the selector and the labels it read', () => {
      const error = routeError(() => route({ providers: providers.slice(0, 2), target: parseTarget('region=tokyo') }));
      expect(error).toMatchObject({ code: ErrorCode.InvalidRequest, retryable: false, failure: RouteFailure.NoMatch });
      expect(error.message).toBe('no live node offering file.search matches region=tokyo (nodes offering it: pi-1 region=osaka, pi-2 region=osaka)');
      expect(error.problems).toEqual([{ path: '_meta.io.pimcp/target', message: error.message }]);
    });

    it('a node that does not offer the capability is INVALID_REQUEST listing the nodes that do', () => {
      const error = routeError(() => route({ providers, target: parseTarget('pi-9') }));
      expect(error.code).toBe(ErrorCode.InvalidRequest);
      expect(error.message).toBe('node pi-9 is not a live node offering file.search (nodes offering it: pi-1, pi-2, pi-3)');
    });

    it('says when the routing policy is what left nothing to match', () => {
      policies.set('file.search', { require: ['region=osaka'] });
      const error = routeError(() => route({ providers, target: parseTarget('pi-3') }));
      expect(error.message).toBe('node pi-3 is not a live node offering file.search that its routing policy allows (nodes offering it that its routing policy allows: pi-1, pi-2)');
    });

    it('a matching node that is down is retryable NODE_UNAVAILABLE, not a bad request', () => {
      health.markLinkFailure('pi-3');
      expect(routeError(() => route({ providers, target: parseTarget('region=tokyo') }))).toMatchObject({
        code: ErrorCode.NodeUnavailable, failure: RouteFailure.Unavailable,
      });
    });
  });

  describe('route: offload', () => {
    const offloadable = testCapability('image.resize', 'light', { offloadable: true });
    const notOffloadable = testCapability('image.resize', 'light');
    const providers = [
      testNode('pi-tokyo', { tier: 'edge', region: 'tokyo', maxConcurrent: '2' }),
      testNode('pi-osaka', { tier: 'edge', region: 'osaka' }),
      testNode('cloud-1', { tier: 'cloud', region: 'us' }),
    ];
    const saturateTokyo = () => { health.acquire('pi-tokyo'); health.acquire('pi-tokyo'); };

    it('keeps an offloadable call on its edge node while that node has room', () => {
      expect(plan(route({ capability: offloadable, providers, callerRegion: 'tokyo' })).node.nodeId).toBe('pi-tokyo');
    });

    it('sends an offloadable call to a cloud node when its edge node is saturated, saying why', () => {
      saturateTokyo();
      const chosen = plan(route({ capability: offloadable, providers, callerRegion: 'tokyo' }));
      expect(chosen).toMatchObject({ reason: 'offload-saturated', offloadedFrom: 'pi-tokyo' });
      expect(chosen.node.nodeId).toBe('cloud-1');
      expect(chosen.explanation).toBe('offloaded image.resize from pi-tokyo (2/2 in flight) to cloud-1');
    });

    it('sends a call that is not offloadable to the next edge node instead', () => {
      saturateTokyo();
      const chosen = plan(route({ capability: notOffloadable, providers, callerRegion: 'tokyo' }));
      expect(chosen).toMatchObject({ reason: 'score' });
      expect(chosen.node.nodeId).toBe('pi-osaka');
    });

    it('sends an offloadable call with input over the threshold to a cloud node', () => {
      setup({ offloadInputBytes: 1000 });
      expect(plan(route({ capability: offloadable, providers, callerRegion: 'tokyo', inputBytes: 1000 })).node.nodeId).toBe('pi-tokyo');
      const chosen = plan(route({ capability: offloadable, providers, callerRegion: 'tokyo', inputBytes: 1001 }));
      expect(chosen.node.nodeId).toBe('cloud-1');
      expect(chosen.reason).toBe('offload-input-size');
      expect(chosen.explanation).toContain('input of 1001 bytes is over 1000');
      expect(plan(route({ capability: notOffloadable, providers, callerRegion: 'tokyo', inputBytes: 10_000 })).node.nodeId).toBe('pi-tokyo');
    });

    it('takes the threshold from the capability policy when it sets one', () => {
      policies.set('image.resize', { offloadInputBytes: 10 });
      expect(plan(route({ capability: offloadable, providers, callerRegion: 'tokyo', inputBytes: 11 })).reason).toBe('offload-input-size');
    });

    it('does not offload while an equally placed edge node has room', () => {
      const twins = [testNode('pi-a', { tier: 'edge', region: 'tokyo', maxConcurrent: '1' }), testNode('pi-b', { tier: 'edge', region: 'tokyo' }), testNode('cloud-1', { tier: 'cloud' })];
      health.acquire('pi-a');
      expect(new Set(choices(6, { capability: offloadable, providers: twins, callerRegion: 'tokyo' }))).toEqual(new Set(['pi-b']));
    });

    it('stays on the edge when no cloud node offers the capability', () => {
      saturateTokyo();
      const edgeOnly = providers.slice(0, 2);
      expect(plan(route({ capability: offloadable, providers: edgeOnly, callerRegion: 'tokyo', inputBytes: 10 ** 9 })).node.nodeId).toBe('pi-osaka');
    });
  });

  describe('memory bounds', () => {
    it('remembers spread turns for at most maxSpreadCapabilities capabilities', () => {
      setup({ maxSpreadCapabilities: 10 });
      policies.set('*', { spread: true });
      for (let i = 0; i < 1000; i++) route({ capability: testCapability(`cap.c${i}`), providers: [testNode('pi-1')] });
      expect(router.spreadTracked).toBe(10);
    });
  });
});
