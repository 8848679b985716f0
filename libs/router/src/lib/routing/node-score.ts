/** The parts of a node's score (ADR 0010 has the formula and why these weights). */
import type { CostClass } from '@pimcp/protocol';
import type { RoutableNode, ScoreBreakdown } from '../router.types';

export interface ScoreWeights {
  /** Closed circuit 1, half-open (probe) 0. */
  readonly health: number;
  /** Share of the node's declared concurrency still free. */
  readonly load: number;
  /** Fastest candidate's estimate over this node's (service time + link round trip). */
  readonly latency: number;
  /** Cost class against tier, accelerators and the caller's region. */
  readonly tier: number;
  /** The node holds state for the call (e.g. its context's replica). */
  readonly affinity: number;
}

export const DEFAULT_SCORE_WEIGHTS: ScoreWeights = Object.freeze({ health: 20, load: 30, latency: 20, tier: 25, affinity: 15 });

/** Calls per node when neither the node nor its `maxConcurrent` label says. */
export const DEFAULT_MAX_CONCURRENT = 8;
export const MAX_CONCURRENT_LABEL = 'maxConcurrent';

export interface ScoreInputs {
  /** 1 for a closed circuit, 0 for a node that would get a half-open probe. */
  readonly health: number;
  readonly inFlight: number;
  readonly maxConcurrent: number;
  /** In (0, 1]: 1 for the fastest candidate. */
  readonly latencyRatio: number;
  /** In [0, 1]. */
  readonly tierFit: number;
  readonly affine: boolean;
  /** Sum of the weights of the policy's `prefer` rules the node matches. */
  readonly preferPoints: number;
}

export function scoreNode(w: ScoreWeights, input: ScoreInputs): ScoreBreakdown {
  const health = w.health * input.health;
  const load = w.load * Math.max(0, 1 - input.inFlight / input.maxConcurrent);
  const latency = w.latency * input.latencyRatio;
  const tier = w.tier * input.tierFit;
  const affinity = input.affine ? w.affinity : 0;
  const prefer = input.preferPoints;
  return { total: health + load + latency + tier + affinity + prefer, health, load, latency, tier, affinity, prefer };
}

export function isCloudNode(node: RoutableNode): boolean {
  return node.labels['tier'] === 'cloud';
}

export function isEdgeNode(node: RoutableNode): boolean {
  return node.labels['tier'] === 'edge';
}

/** `gpu=true`, or an `accelerator` label naming one (not empty, `none` or `false`). */
export function hasAccelerator(node: RoutableNode): boolean {
  const accelerator = node.labels['accelerator'];
  return node.labels['gpu'] === 'true' || (accelerator !== undefined && !['', 'none', 'false'].includes(accelerator));
}

/**
 * How well the node's tier suits the cost class, in [0, 1]:
 * heavy: 0.6 cloud + 0.4 accelerator; light: 0.5 edge + 0.5 in the caller's region; standard: 0.5 in the region.
 */
export function tierFit(costClass: CostClass, node: RoutableNode, callerRegion: string | undefined): number {
  const sameRegion = callerRegion !== undefined && node.labels['region'] === callerRegion ? 1 : 0;
  switch (costClass) {
    case 'heavy': return 0.6 * (isCloudNode(node) ? 1 : 0) + 0.4 * (hasAccelerator(node) ? 1 : 0);
    case 'light': return 0.5 * (isEdgeNode(node) ? 1 : 0) + 0.5 * sameRegion;
    case 'standard': return 0.5 * sameRegion;
  }
}

/** The node's `maxConcurrent` field, else its `maxConcurrent` label (a positive integer), else `fallback`. */
export function maxConcurrentOf(node: RoutableNode, fallback: number): number {
  if (node.maxConcurrent !== undefined && Number.isInteger(node.maxConcurrent) && node.maxConcurrent > 0) return node.maxConcurrent;
  const label = node.labels[MAX_CONCURRENT_LABEL];
  if (label !== undefined && /^[1-9]\d{0,5}$/.test(label)) return Number(label);
  return fallback;
}
