/** What the router reads about nodes and capabilities, and what it answers. */
import type { CostClass } from '@pimcp/protocol';
import type { LabelSelector } from './selectors/label-selector';

/**
 * A node offering the capability. The catalog's `ProviderRef` (and the gateway's `ToolProvider`) fit as they are;
 * the router hands the same object back, so an attempt gets its link address.
 */
export interface RoutableNode {
  readonly nodeId: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly draining: boolean;
  /** Calls this gateway may run on the node at once; else the `maxConcurrent` label, else the router's default. */
  readonly maxConcurrent?: number;
}

/** The parts of a capability definition routing reads (`CapabilityDefinition` fits). */
export interface RoutedCapability {
  /** The capability's own name (for an alias `<node>.<tool>`, the `<tool>` part): routing policies are keyed by it. */
  readonly name: string;
  readonly costClass: CostClass;
  readonly offloadable?: boolean;
  readonly annotations?: { readonly readOnlyHint?: boolean; readonly idempotentHint?: boolean };
}

/** A caller's explicit constraint for one call (`_meta['io.pimcp/target']`, see parseTargetMeta). */
export type TargetConstraint =
  | { readonly kind: 'node'; readonly nodeId: string }
  | { readonly kind: 'selector'; readonly selector: LabelSelector };

export interface RouteRequest<N extends RoutableNode = RoutableNode> {
  readonly capability: RoutedCapability;
  /** Live nodes offering the capability (the catalog's providers of the resolved major). */
  readonly providers: readonly N[];
  /** Where the caller is; `light` capabilities prefer an edge node with this `region` label. */
  readonly callerRegion?: string;
  /** Affinity: nodes that already hold state for this call (e.g. the replica of its context). */
  readonly preferredNodeIds?: readonly string[];
  readonly target?: TargetConstraint;
  /** Size of the call's arguments in bytes; above the offload threshold an offloadable call goes to the cloud. */
  readonly inputBytes?: number;
  /** Nodes not to use (already tried by this call). */
  readonly exclude?: ReadonlySet<string>;
}

/**
 * Why the router chose the node: `score` (the best score), `spread` (round-robin policy), `pin` (policy pin),
 * `target` (the caller named the node), `offload-saturated` / `offload-input-size` (an offloadable call sent to a
 * cloud node because the edge node it would have gone to is full, or because its input is large), `probe` (a
 * read-only or idempotent call sent to test a node whose circuit is half-open).
 */
export type RouteReason = 'score' | 'spread' | 'pin' | 'target' | 'offload-saturated' | 'offload-input-size' | 'probe';

/** The terms of one node's score (see ADR 0010 for the formula). */
export interface ScoreBreakdown {
  readonly total: number;
  readonly health: number;
  readonly load: number;
  readonly latency: number;
  readonly tier: number;
  readonly affinity: number;
  readonly prefer: number;
}

export interface RoutePlan<N extends RoutableNode = RoutableNode> {
  readonly node: N;
  readonly reason: RouteReason;
  /** One line for logs, e.g. "offloaded file.hash from pi-1 (6/6 in flight) to cloud-1". */
  readonly explanation: string;
  /** The chosen node's score (also for spread, pin and target choices, for logs). */
  readonly score: ScoreBreakdown;
  /** For an offload: the edge node the call would have gone to. */
  readonly offloadedFrom?: string;
  /** Nodes that passed every constraint and were available (saturated ones included). */
  readonly candidates: number;
}

/** `saturated`: every node that could take the call is at its concurrency limit (queue, then retry). */
export type RouteDecision<N extends RoutableNode = RoutableNode> =
  | { readonly kind: 'routed'; readonly plan: RoutePlan<N> }
  | { readonly kind: 'saturated'; readonly nodes: readonly SaturatedNode[] };

export interface SaturatedNode {
  readonly nodeId: string;
  readonly inFlight: number;
  readonly maxConcurrent: number;
}
