/**
 * What this gateway knows about each node: its circuit (cockatiel), calls in flight, and latency. Bounded: nodes that
 * left are forgotten (`retain`), and beyond `maxNodes` the least recently used idle node is dropped.
 */
import {
  BrokenCircuitError, circuitBreaker, type CircuitBreakerPolicy, CircuitState, ConsecutiveBreaker, handleWhen,
  type IBreaker, type IDisposable, IsolatedCircuitError,
} from 'cockatiel';
import { ErrorCode, PimcpError } from '@pimcp/protocol';
import { markNotDelivered } from './delivery';
import { Ewma } from './ewma';
import { TrippableBreaker } from './trippable-breaker';

/** `half-open`: the open period is over and one probe call may go through (or is going through). */
export type CircuitView = 'closed' | 'open' | 'half-open' | 'isolated';

export interface NodeHealthOptions {
  /** A new cockatiel breaker per node (default `new ConsecutiveBreaker(5)`; `SamplingBreaker` for a failure rate). */
  breaker?: () => IBreaker;
  /** How long an opened circuit stays open before one probe call is let through (default 5000 ms). */
  halfOpenAfterMs?: number;
  /** Weight of each new latency sample in the per-node averages (default 0.3). */
  ewmaAlpha?: number;
  /** Nodes tracked at most (default 4096). */
  maxNodes?: number;
  /** Capabilities whose service time is tracked per node at most (default 64). */
  maxCapabilitiesPerNode?: number;
  /** Which failures count against a node's circuit (default: see `isNodeFailure`). */
  isNodeFailure?: (error: unknown) => boolean;
  /** Told when a node's circuit opens, half-opens or closes (for logs and metrics). */
  onCircuitChange?: (nodeId: string, circuit: CircuitView) => void;
}

export interface NodeLatency {
  /** Average service time of the capability on the node, link round trip excluded; undefined before a sample. */
  readonly serviceMs?: number;
  /** Average link round trip to the node; undefined until reported. */
  readonly rttMs?: number;
}

export interface NodeRoutingView {
  readonly circuit: CircuitView;
  readonly admits: boolean;
  readonly inFlight: number;
  readonly serviceMs: number | undefined;
  readonly rttMs: number | undefined;
}

const UNKNOWN_NODE: NodeRoutingView = Object.freeze({ circuit: 'closed', admits: true, inFlight: 0, serviceMs: undefined, rttMs: undefined });

export interface NodeHealthSnapshot {
  readonly nodeId: string;
  readonly circuit: CircuitView;
  readonly inFlight: number;
  readonly rttMs?: number;
  readonly serviceMs: Readonly<Record<string, number>>;
}

interface NodeEntry {
  readonly nodeId: string;
  readonly policy: CircuitBreakerPolicy;
  readonly breaker: TrippableBreaker;
  readonly subscriptions: IDisposable[];
  openedAt: number;
  inFlight: number;
  /** A call holds the one probe of a half-open circuit. */
  probing: boolean;
  /** A link failure was reported and the breaker has not opened yet. */
  tripping: boolean;
  readonly rtt: Ewma;
  readonly service: Map<string, Ewma>;
}

/** Default failure rule: the node or its link failed (NODE_UNAVAILABLE, DEADLINE_EXCEEDED, unknown errors). */
export function isNodeFailure(error: unknown): boolean {
  if (error instanceof PimcpError) return error.code === ErrorCode.NodeUnavailable || error.code === ErrorCode.DeadlineExceeded;
  return true;
}

/** Fed through a node's breaker by markLinkFailure; never leaves this file. */
class LinkFailureSignal extends Error {}

export class NodeHealth {
  private readonly nodes = new Map<string, NodeEntry>();
  private readonly options: Required<Omit<NodeHealthOptions, 'onCircuitChange'>> & Pick<NodeHealthOptions, 'onCircuitChange'>;

  constructor(options: NodeHealthOptions = {}) {
    this.options = {
      breaker: options.breaker ?? (() => new ConsecutiveBreaker(5)),
      halfOpenAfterMs: options.halfOpenAfterMs ?? 5000,
      ewmaAlpha: options.ewmaAlpha ?? 0.3,
      maxNodes: options.maxNodes ?? 4096,
      maxCapabilitiesPerNode: options.maxCapabilitiesPerNode ?? 64,
      isNodeFailure: options.isNodeFailure ?? isNodeFailure,
      ...(options.onCircuitChange ? { onCircuitChange: options.onCircuitChange } : {}),
    };
    if (!(this.options.maxNodes >= 1)) throw new RangeError('NodeHealth maxNodes must be at least 1');
  }

  /**
   * Whether the router may send the node a new call: its circuit is closed, or its open period is over and no probe
   * is running. An unknown node is healthy.
   */
  admits(nodeId: string): boolean {
    const entry = this.nodes.get(nodeId);
    return entry ? this.entryAdmits(entry) : true;
  }

  circuit(nodeId: string): CircuitView {
    const entry = this.nodes.get(nodeId);
    return entry ? this.entryCircuit(entry) : 'closed';
  }

  inFlight(nodeId: string): number {
    return this.nodes.get(nodeId)?.inFlight ?? 0;
  }

  /**
   * Counts a call against the node until the returned function is called (idempotent). Call it right after routing,
   * in the same tick: a call that takes a half-open node's probe holds it, so no second call is routed there.
   */
  acquire(nodeId: string): () => void {
    const entry = this.entry(nodeId);
    entry.inFlight++;
    const probe = entry.policy.state !== CircuitState.Closed;
    if (probe) entry.probing = true;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      entry.inFlight--;
      if (probe) entry.probing = false;
    };
  }

  /**
   * Runs one call through the node's circuit breaker. An open circuit fails at once with NODE_UNAVAILABLE marked as
   * not delivered (the call never left), so it is always safe to try another node.
   */
  async run<T>(nodeId: string, call: (signal: AbortSignal) => Promise<T>, signal: AbortSignal): Promise<T> {
    const entry = this.entry(nodeId);
    try {
      return await entry.policy.execute(({ signal: s }) => call(s), signal);
    } catch (err) {
      if (err instanceof BrokenCircuitError || err instanceof IsolatedCircuitError) {
        throw markNotDelivered(new PimcpError(ErrorCode.NodeUnavailable, `node ${nodeId} is out of rotation after recent failures (circuit open)`));
      }
      throw err;
    }
  }

  /**
   * Takes a node out of rotation now (its link failed; its registry lease may live for seconds more). The circuit
   * opens and, after `halfOpenAfterMs`, lets one probe call through as usual.
   */
  markLinkFailure(nodeId: string, reason = 'link failed'): void {
    const entry = this.entry(nodeId);
    const state = entry.policy.state;
    if (state === CircuitState.Open || state === CircuitState.Isolated) return;
    entry.tripping = true;
    entry.breaker.trip();
    entry.policy
      .execute(() => { throw new LinkFailureSignal(reason); })
      .catch(() => undefined)
      .finally(() => { entry.tripping = false; });
  }

  /**
   * Records a completed call's duration as seen by this gateway. The node's service time is that minus the link
   * round trip, so a slower link shows at once for every capability.
   */
  recordLatency(nodeId: string, capability: string, observedMs: number): void {
    if (!Number.isFinite(observedMs) || observedMs < 0) return;
    const entry = this.entry(nodeId);
    let ewma = entry.service.get(capability);
    if (ewma) {
      entry.service.delete(capability);
    } else {
      ewma = new Ewma(this.options.ewmaAlpha);
      if (entry.service.size >= this.options.maxCapabilitiesPerNode) entry.service.delete(entry.service.keys().next().value as string);
    }
    entry.service.set(capability, ewma);
    ewma.add(Math.max(0, observedMs - (entry.rtt.value ?? 0)));
  }

  /** Records a link round trip (from the node link's pings or heartbeats). */
  recordRtt(nodeId: string, rttMs: number): void {
    if (!Number.isFinite(rttMs) || rttMs < 0) return;
    this.entry(nodeId).rtt.add(rttMs);
  }

  latency(nodeId: string, capability: string): NodeLatency {
    const entry = this.nodes.get(nodeId);
    if (!entry) return {};
    const serviceMs = entry.service.get(capability)?.value;
    const rttMs = entry.rtt.value;
    return { ...(serviceMs !== undefined ? { serviceMs } : {}), ...(rttMs !== undefined ? { rttMs } : {}) };
  }

  /** Everything the router reads about one node for one capability, in one lookup (the hot path). */
  view(nodeId: string, capability: string): NodeRoutingView {
    const entry = this.nodes.get(nodeId);
    if (!entry) return UNKNOWN_NODE;
    return {
      circuit: this.entryCircuit(entry),
      admits: this.entryAdmits(entry),
      inFlight: entry.inFlight,
      serviceMs: entry.service.get(capability)?.value,
      rttMs: entry.rtt.value,
    };
  }

  snapshot(nodeId: string): NodeHealthSnapshot {
    const entry = this.nodes.get(nodeId);
    const serviceMs: Record<string, number> = {};
    entry?.service.forEach((ewma, capability) => { if (ewma.value !== undefined) serviceMs[capability] = ewma.value; });
    return {
      nodeId,
      circuit: this.circuit(nodeId),
      inFlight: entry?.inFlight ?? 0,
      ...(entry?.rtt.value !== undefined ? { rttMs: entry.rtt.value } : {}),
      serviceMs,
    };
  }

  /** Drops a node that left the catalog. Its calls still in flight release harmlessly. */
  forget(nodeId: string): void {
    const entry = this.nodes.get(nodeId);
    if (!entry) return;
    entry.subscriptions.forEach((s) => s.dispose());
    this.nodes.delete(nodeId);
  }

  /** Forgets every node not in `live` (call it when the catalog's providers change). */
  retain(live: Iterable<string>): void {
    const keep = new Set(live);
    for (const nodeId of [...this.nodes.keys()]) if (!keep.has(nodeId)) this.forget(nodeId);
  }

  /** Nodes tracked now. */
  get size(): number {
    return this.nodes.size;
  }

  private entryAdmits(entry: NodeEntry): boolean {
    if (entry.tripping) return false;
    switch (entry.policy.state) {
      case CircuitState.Closed: return true;
      case CircuitState.Open: return !entry.probing && this.openPeriodOver(entry);
      default: return false;
    }
  }

  private entryCircuit(entry: NodeEntry): CircuitView {
    if (entry.tripping) return 'open';
    switch (entry.policy.state) {
      case CircuitState.Closed: return 'closed';
      case CircuitState.Open: return this.openPeriodOver(entry) ? 'half-open' : 'open';
      case CircuitState.HalfOpen: return 'half-open';
      default: return 'isolated';
    }
  }

  private openPeriodOver(entry: NodeEntry): boolean {
    // cockatiel times its open period with Date.now(); so does this check, so both agree on when it ends.
    return Date.now() - entry.openedAt >= this.options.halfOpenAfterMs;
  }

  private entry(nodeId: string): NodeEntry {
    const existing = this.nodes.get(nodeId);
    if (existing) {
      // Re-inserted so the Map's order is least recently used first.
      this.nodes.delete(nodeId);
      this.nodes.set(nodeId, existing);
      return existing;
    }
    if (this.nodes.size >= this.options.maxNodes) this.evictIdle();
    const entry = this.create(nodeId);
    this.nodes.set(nodeId, entry);
    return entry;
  }

  private evictIdle(): void {
    for (const [nodeId, entry] of this.nodes) {
      if (entry.inFlight === 0) {
        this.forget(nodeId);
        return;
      }
    }
    // Every tracked node has calls in flight; those are bounded by concurrency limits and the queue.
  }

  private create(nodeId: string): NodeEntry {
    const breaker = new TrippableBreaker(this.options.breaker());
    const isFailure = this.options.isNodeFailure;
    const policy = circuitBreaker(
      handleWhen((err) => err instanceof LinkFailureSignal || isFailure(err)),
      { halfOpenAfter: this.options.halfOpenAfterMs, breaker },
    );
    const entry: NodeEntry = {
      nodeId, policy, breaker, subscriptions: [], openedAt: 0, inFlight: 0, probing: false, tripping: false,
      rtt: new Ewma(this.options.ewmaAlpha), service: new Map(),
    };
    entry.subscriptions.push(policy.onStateChange((state) => {
      if (state === CircuitState.Open) entry.openedAt = Date.now();
      const view: CircuitView = state === CircuitState.Closed ? 'closed' : state === CircuitState.Open ? 'open' : state === CircuitState.HalfOpen ? 'half-open' : 'isolated';
      this.options.onCircuitChange?.(nodeId, view);
    }));
    return entry;
  }
}
