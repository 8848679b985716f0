import { ErrorCode } from '@pimcp/protocol';
import type { CircuitView, NodeHealth } from '../health/node-health';
import type { RoutingPolicies } from '../policy/routing-policies';
import type { RoutingPolicy } from '../policy/routing-policy';
import { RouteError, RouteFailure } from '../route-error';
import type {
  RoutableNode, RouteDecision, RoutePlan, RouteReason, RouteRequest, SaturatedNode,
} from '../router.types';
import type { LabelSelector } from '../selectors/label-selector';
import { describeTarget, TARGET_META_KEY } from '../targeting/parse-target';
import {
  DEFAULT_MAX_CONCURRENT, DEFAULT_SCORE_WEIGHTS, isCloudNode, isEdgeNode, maxConcurrentOf, type ScoreInputs, type ScoreWeights, scoreNode, tierFit,
} from './node-score';

export interface RouterOptions {
  /** Replaces some of the score weights (DEFAULT_SCORE_WEIGHTS). */
  weights?: Partial<ScoreWeights>;
  /** Calls per node when the node does not declare `maxConcurrent` (default 8). */
  defaultMaxConcurrent?: number;
  /** Arguments larger than this send an offloadable call to a cloud node (default 1 MiB; policy `offloadInputBytes`). */
  offloadInputBytes?: number;
  /** Capabilities whose `spread` turn is remembered at most (default 1024). */
  maxSpreadCapabilities?: number;
}

/** One node that passed every constraint and is available, with what its score is made of. */
interface Scored<N> {
  readonly node: N;
  readonly circuit: CircuitView;
  readonly inFlight: number;
  readonly maxConcurrent: number;
  readonly serviceMs: number | undefined;
  readonly rttMs: number | undefined;
  /** Filled in by score(); the full breakdown is built only for the node chosen. */
  inputs: ScoreInputs;
  total: number;
  /** The score without its load term: where the call belongs when every node is idle. */
  placement: number;
}

/** Nodes listed at most in one error message. */
const LISTED_NODES = 10;
const TIE = 1e-9;
const NO_INPUTS: ScoreInputs = Object.freeze({ health: 0, inFlight: 0, maxConcurrent: 1, latencyRatio: 0, tierFit: 0, affine: false, preferPoints: 0 });

/**
 * Chooses the node for one call. Pure decision: it reads health and in-flight counts but reserves nothing (the
 * executor acquires the node in the same tick). Throws RouteError when no node can ever or currently take the call;
 * answers `saturated` when every node that could is at its concurrency limit.
 */
export class Router {
  private readonly weights: ScoreWeights;
  private readonly defaultMaxConcurrent: number;
  private readonly offloadInputBytes: number;
  private readonly maxSpreadCapabilities: number;
  private readonly spreadTurns = new Map<string, number>();
  private turn = 0;

  constructor(
    private readonly policies: RoutingPolicies,
    private readonly health: NodeHealth,
    options: RouterOptions = {},
  ) {
    this.weights = { ...DEFAULT_SCORE_WEIGHTS, ...options.weights };
    this.defaultMaxConcurrent = options.defaultMaxConcurrent ?? DEFAULT_MAX_CONCURRENT;
    this.offloadInputBytes = options.offloadInputBytes ?? 1024 * 1024;
    this.maxSpreadCapabilities = options.maxSpreadCapabilities ?? 1024;
  }

  policyFor(capability: string): RoutingPolicy {
    return this.policies.get(capability);
  }

  maxConcurrentOf(node: RoutableNode): number {
    return maxConcurrentOf(node, this.defaultMaxConcurrent);
  }

  route<N extends RoutableNode>(request: RouteRequest<N>): RouteDecision<N> {
    const name = request.capability.name;
    const policy = this.policies.get(name);
    const allowed = this.constrain(request, policy);
    const usable = this.available(request, allowed);
    const scored = this.score(request, policy, usable);
    const free = scored.filter((s) => s.inFlight < s.maxConcurrent);

    // A half-open node is probed with a call that can safely run again elsewhere if the probe fails.
    const probe = retrySafe(request) ? free.find((s) => s.circuit === 'half-open') : undefined;
    if (probe) return this.routed(probe, 'probe', scored.length, `${name} probes ${probe.node.nodeId}, whose circuit is half-open`);

    const offloadable = request.capability.offloadable === true;
    const threshold = policy.offloadInputBytes ?? this.offloadInputBytes;
    if (offloadable && request.inputBytes !== undefined && request.inputBytes > threshold) {
      const cloud = best(free.filter((s) => isCloudNode(s.node)), this.turn++);
      if (cloud) {
        return this.routed(cloud, 'offload-input-size', scored.length,
          `offloaded ${name} to ${cloud.node.nodeId}: its input of ${request.inputBytes} bytes is over ${threshold}`);
      }
    }
    if (offloadable) {
      // Where the call belongs by placement (the score without current load). Offload when every such node is a
      // full edge node; another edge node elsewhere is not where the call belongs.
      let top = -Infinity;
      for (const s of scored) top = Math.max(top, s.placement);
      const homes = scored.filter((s) => s.placement >= top - TIE);
      const home = homes.find((s) => isEdgeNode(s.node));
      const cloud = home && homes.every((s) => s.inFlight >= s.maxConcurrent)
        ? best(free.filter((s) => isCloudNode(s.node)), this.turn++)
        : undefined;
      if (home && cloud) {
        return this.routed(cloud, 'offload-saturated', scored.length,
          `offloaded ${name} from ${home.node.nodeId} (${home.inFlight}/${home.maxConcurrent} in flight) to ${cloud.node.nodeId}`, home.node.nodeId);
      }
    }
    if (free.length === 0) {
      return { kind: 'saturated', nodes: scored.map((s): SaturatedNode => ({ nodeId: s.node.nodeId, inFlight: s.inFlight, maxConcurrent: s.maxConcurrent })) };
    }
    if (policy.spread) {
      const turn = this.spreadTurn(name);
      const chosen = free[turn % free.length] as Scored<N>;
      return this.routed(chosen, 'spread', scored.length, `spread ${name} round-robin to ${chosen.node.nodeId} (${free.length} eligible)`);
    }
    // Full nodes are never chosen: their declared concurrency is a limit, not a preference.
    const top = best(free, this.turn++) as Scored<N>;
    const reason: RouteReason = policy.pin !== undefined ? 'pin' : request.target?.kind === 'node' ? 'target' : 'score';
    return this.routed(top, reason, scored.length,
      `${name} to ${top.node.nodeId} by ${reason} (score ${top.total.toFixed(1)}; ${free.length} of ${scored.length} candidates with room)`);
  }

  /** Applies pin, require and the caller's target, each failing with a message naming what matched nothing. */
  private constrain<N extends RoutableNode>(request: RouteRequest<N>, policy: RoutingPolicy): readonly N[] {
    const name = request.capability.name;
    const offering = request.providers;
    if (offering.length === 0) throw new RouteError(ErrorCode.NodeUnavailable, RouteFailure.NoProvider, `no live node offers ${name}; retry when one joins`);
    let set = offering;
    if (policy.pin !== undefined) {
      const pin = policy.pin;
      set = set.filter((n) => n.nodeId === pin);
      if (set.length === 0) {
        throw new RouteError(ErrorCode.NodeUnavailable, RouteFailure.NoMatch,
          `the routing policy of ${name} pins it to node ${pin}, which is not live or does not offer it (nodes offering it: ${listNodes(offering, [])}); retry when it is back or change the policy`,
          [pin]);
      }
    }
    for (const selector of policy.require) {
      const before = set;
      set = set.filter((n) => selector.matches(n.labels));
      if (set.length === 0) {
        throw new RouteError(ErrorCode.NodeUnavailable, RouteFailure.NoMatch,
          `no live node offering ${name} matches its routing policy's require "${selector.toString()}" (nodes offering it: ${listNodes(before, selector.keys())})`,
          before.map((n) => n.nodeId));
      }
    }
    const target = request.target;
    if (target) {
      const before = set;
      set = target.kind === 'node' ? set.filter((n) => n.nodeId === target.nodeId) : set.filter((n) => target.selector.matches(n.labels));
      if (set.length === 0) {
        const which = before.length === offering.length ? 'nodes offering it' : 'nodes offering it that its routing policy allows';
        const keys = target.kind === 'selector' ? target.selector.keys() : [];
        const message = target.kind === 'node'
          ? `node ${target.nodeId} is not a live node offering ${name}${before.length === offering.length ? '' : ' that its routing policy allows'} (${which}: ${listNodes(before, keys)})`
          : `no live node offering ${name} matches ${describeTarget(target)} (${which}: ${listNodes(before, keys)})`;
        throw new RouteError(ErrorCode.InvalidRequest, RouteFailure.NoMatch, message,
          before.map((n) => n.nodeId), [{ path: `_meta.${TARGET_META_KEY}`, message }]);
      }
    }
    return set;
  }

  /** Drops draining nodes, open circuits and nodes this call already tried. */
  private available<N extends RoutableNode>(request: RouteRequest<N>, allowed: readonly N[]): Scored<N>[] {
    const name = request.capability.name;
    const usable: Scored<N>[] = [];
    for (const node of allowed) {
      if (node.draining || request.exclude?.has(node.nodeId)) continue;
      const view = this.health.view(node.nodeId, name);
      if (!view.admits) continue;
      usable.push({
        node, circuit: view.circuit, inFlight: view.inFlight, maxConcurrent: this.maxConcurrentOf(node),
        serviceMs: view.serviceMs, rttMs: view.rttMs, inputs: NO_INPUTS, total: 0, placement: 0,
      });
    }
    if (usable.length > 0) return usable;
    const why = allowed.map((n) => `${n.nodeId} ${n.draining ? 'draining' : request.exclude?.has(n.nodeId) ? 'already tried' : `circuit ${this.health.circuit(n.nodeId)}`}`);
    throw new RouteError(ErrorCode.NodeUnavailable, RouteFailure.Unavailable,
      `no node can run ${name} now: ${limitList(why)}; retry later`,
      allowed.map((n) => n.nodeId));
  }

  /** Fills in each candidate's score (the hot loop; the full breakdown is built for the chosen node only). */
  private score<N extends RoutableNode>(request: RouteRequest<N>, policy: RoutingPolicy, usable: Scored<N>[]): Scored<N>[] {
    // A node without samples for this capability is assumed as fast as the fastest known one, so it gets calls to learn from.
    let assumedService = Infinity;
    for (const c of usable) if (c.serviceMs !== undefined && c.serviceMs < assumedService) assumedService = c.serviceMs;
    if (assumedService === Infinity) assumedService = 0;
    let fastest = Infinity;
    for (const c of usable) fastest = Math.min(fastest, (c.serviceMs ?? assumedService) + (c.rttMs ?? 0));
    const preferred = request.preferredNodeIds && request.preferredNodeIds.length > 0 ? new Set(request.preferredNodeIds) : undefined;
    const w = this.weights;
    for (const c of usable) {
      const inputs: ScoreInputs = {
        health: c.circuit === 'closed' ? 1 : 0,
        inFlight: c.inFlight,
        maxConcurrent: c.maxConcurrent,
        latencyRatio: (fastest + 1) / ((c.serviceMs ?? assumedService) + (c.rttMs ?? 0) + 1),
        tierFit: tierFit(request.capability.costClass, c.node, request.callerRegion),
        affine: preferred?.has(c.node.nodeId) === true,
        preferPoints: policy.prefer.length > 0 ? preferPoints(policy, c.node.labels) : 0,
      };
      c.inputs = inputs;
      // Must equal scoreNode(w, inputs).total; router.spec checks the chosen plan's breakdown against it.
      c.placement = w.health * inputs.health + w.latency * inputs.latencyRatio + w.tier * inputs.tierFit
        + (inputs.affine ? w.affinity : 0) + inputs.preferPoints;
      c.total = c.placement + w.load * Math.max(0, 1 - c.inFlight / c.maxConcurrent);
    }
    return usable;
  }

  private routed<N extends RoutableNode>(chosen: Scored<N>, reason: RouteReason, candidates: number, explanation: string, offloadedFrom?: string): RouteDecision<N> {
    const plan: RoutePlan<N> = {
      node: chosen.node, reason, explanation, score: scoreNode(this.weights, chosen.inputs), candidates,
      ...(offloadedFrom !== undefined ? { offloadedFrom } : {}),
    };
    return { kind: 'routed', plan };
  }

  private spreadTurn(capability: string): number {
    const turn = this.spreadTurns.get(capability) ?? 0;
    this.spreadTurns.delete(capability);
    if (this.spreadTurns.size >= this.maxSpreadCapabilities) this.spreadTurns.delete(this.spreadTurns.keys().next().value as string);
    this.spreadTurns.set(capability, (turn + 1) % Number.MAX_SAFE_INTEGER);
    return turn;
  }

  /** Capabilities whose spread turn is remembered now (bounded by maxSpreadCapabilities). */
  get spreadTracked(): number {
    return this.spreadTurns.size;
  }
}

/** The highest score (or `key`); ties go round-robin from `turn` so equal nodes share calls. */
function best<S extends { total: number }>(items: readonly S[], turn: number, key: (s: S) => number = (s) => s.total): S | undefined {
  if (items.length === 0) return undefined;
  const start = turn % items.length;
  let top = items[start] as S;
  let topKey = key(top);
  for (let i = 1; i < items.length; i++) {
    const item = items[(start + i) % items.length] as S;
    const itemKey = key(item);
    if (itemKey > topKey + TIE) {
      top = item;
      topKey = itemKey;
    }
  }
  return top;
}

function retrySafe(request: RouteRequest): boolean {
  const annotations = request.capability.annotations;
  return annotations?.readOnlyHint === true || annotations?.idempotentHint === true;
}

function preferPoints(policy: RoutingPolicy, labels: Readonly<Record<string, string>>): number {
  let points = 0;
  for (const rule of policy.prefer) if (rule.selector.matches(labels)) points += rule.weight;
  return points;
}

/** "pi-1 region=osaka, pi-2 region unset, ... and 3 more": each node with the labels the constraint reads. */
function listNodes(nodes: readonly RoutableNode[], keys: ReturnType<LabelSelector['keys']>): string {
  return limitList(nodes.map((n) => [n.nodeId, ...keys.map((k) => (Object.hasOwn(n.labels, k) ? `${k}=${n.labels[k]}` : `${k} unset`))].join(' ')));
}

function limitList(items: readonly string[]): string {
  const shown = items.slice(0, LISTED_NODES).join(', ');
  return items.length > LISTED_NODES ? `${shown} and ${items.length - LISTED_NODES} more` : shown;
}
