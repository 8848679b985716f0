import { ErrorCode, type FieldProblem, PimcpError } from '@pimcp/protocol';
import { type Clock, systemClock, type TimerHandle } from '../clock';
import type { CapabilityLatency } from '../health/capability-latency';
import type { NodeHealth } from '../health/node-health';
import type { AdmissionQueue } from '../queue/admission-queue';
import { decideRetry, type RetryDecision } from '../retry/retry-decision';
import type { RetryBudget } from '../retry/retry-budget';
import { RouteError, RouteFailure } from '../route-error';
import type { RoutableNode, RoutePlan, RouteReason, RouteRequest, SaturatedNode } from '../router.types';
import type { Router } from '../routing/router';

export interface HedgingOptions {
  /** Hedge read-only capabilities whose policy does not say (default false). */
  enabled?: boolean;
  /** The latency quantile past which a second node is asked (default 0.95). */
  quantile?: number;
  /** Successful calls of the capability needed before its quantile is trusted (default 20). */
  minSamples?: number;
  /** Never hedge sooner than this (default 5 ms). */
  minDelayMs?: number;
}

export interface RoutedExecutorOptions {
  /** Attempts per call at most, hedges included (default 3). */
  maxAttempts?: number;
  hedging?: HedgingOptions;
  clock?: Clock;
}

export interface RoutedExecutorDeps {
  readonly router: Router;
  readonly health: NodeHealth;
  readonly budget: RetryBudget;
  readonly queue: AdmissionQueue;
  readonly latency: CapabilityLatency;
}

export interface ExecuteRequest<N extends RoutableNode = RoutableNode> extends Omit<RouteRequest<N>, 'exclude'> {
  /** The caller's cancellation: aborts the running attempt and any wait. */
  readonly signal?: AbortSignal;
  /** Epoch ms (on the executor's clock) after which no queue wait or retry starts; the transport enforces it on the node. */
  readonly deadline?: number;
}

export interface AttemptContext {
  /** Aborted when the caller cancels or another node answered a hedged call first. Pass it to the transport. */
  readonly signal: AbortSignal;
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly hedge: boolean;
  readonly deadline?: number;
  readonly plan: RoutePlan;
}

export type AttemptFn<N extends RoutableNode, T> = (node: N, context: AttemptContext) => Promise<T>;

export interface AttemptRecord {
  readonly nodeId: string;
  readonly hedge: boolean;
  readonly reason: RouteReason;
  outcome: 'running' | 'succeeded' | 'failed' | 'aborted';
  durationMs?: number;
  /** `CODE: message` of a failed attempt. */
  error?: string;
}

export interface ExecuteResult<N extends RoutableNode, T> {
  readonly result: T;
  readonly node: N;
  readonly nodeId: string;
  readonly plan: RoutePlan<N>;
  /** Every attempt in start order, including failed ones and an aborted hedge. */
  readonly attempts: readonly AttemptRecord[];
}

interface Admitted<N extends RoutableNode> {
  readonly plan: RoutePlan<N>;
  readonly release: () => void;
}

type Outcome<N extends RoutableNode, T> =
  | { readonly ok: true; readonly result: T; readonly plan: RoutePlan<N> }
  | { readonly ok: false; readonly error: unknown; readonly nodeId: string };

interface Running<N extends RoutableNode, T> {
  readonly done: Promise<Outcome<N, T>>;
  /** Aborts the attempt as the loser of a hedge. */
  readonly abandon: () => void;
}

/**
 * Runs one call on the best node, transport-agnostic: routes (queueing while every node is full), counts the call in
 * flight, feeds the outcome to the node's circuit and latency, retries on another node when that is safe and the
 * budget allows, and hedges slow read-only calls when configured.
 */
export class RoutedExecutor {
  private readonly maxAttempts: number;
  private readonly hedging: Required<HedgingOptions>;
  private readonly clock: Clock;

  constructor(private readonly deps: RoutedExecutorDeps, options: RoutedExecutorOptions = {}) {
    this.maxAttempts = options.maxAttempts ?? 3;
    this.hedging = { enabled: false, quantile: 0.95, minSamples: 20, minDelayMs: 5, ...options.hedging };
    this.clock = options.clock ?? systemClock;
    if (!(this.maxAttempts >= 1)) throw new RangeError('RoutedExecutor maxAttempts must be at least 1');
  }

  async execute<N extends RoutableNode, T>(request: ExecuteRequest<N>, attempt: AttemptFn<N, T>): Promise<ExecuteResult<N, T>> {
    this.deps.budget.recordCall();
    const tried = new Set<string>();
    const records: AttemptRecord[] = [];
    let lastError: unknown;
    for (;;) {
      if (request.signal?.aborted) throw cancelled(request, records);
      let admitted: Admitted<N>;
      try {
        admitted = await this.admit(request, tried);
      } catch (err) {
        if (records.length === 0) throw err;
        throw this.failure(request, records, lastError, {
          retry: false, refusal: 'attempts', detail: `no other node could take the retry (${err instanceof Error ? err.message : String(err)})`,
        });
      }
      const outcome = await this.runHedged(request, admitted, attempt, tried, records);
      if (outcome.ok) return { result: outcome.result, node: outcome.plan.node, nodeId: outcome.plan.node.nodeId, plan: outcome.plan, attempts: records };
      lastError = outcome.error;
      const decision = decideRetry({
        error: outcome.error,
        capability: request.capability,
        attempts: records.length,
        maxAttempts: this.maxAttempts,
        cancelled: request.signal?.aborted === true,
        ...(request.deadline !== undefined ? { remainingMs: request.deadline - this.clock.now() } : {}),
      }, this.deps.budget);
      if (!decision.retry) throw this.failure(request, records, outcome.error, decision);
    }
  }

  /** Call when the catalog's providers change: forgets nodes that left and lets waiting calls try new nodes. */
  nodesChanged(liveNodeIds: Iterable<string>): void {
    this.deps.health.retain(liveNodeIds);
    this.deps.queue.notify();
  }

  /** A node's link failed: out of rotation at once (see NodeHealth.markLinkFailure). */
  markLinkFailure(nodeId: string, reason?: string): void {
    this.deps.health.markLinkFailure(nodeId, reason);
  }

  /** Routes now or waits in the queue for a slot; the returned node is already counted in flight. */
  private async admit<N extends RoutableNode>(request: ExecuteRequest<N>, tried: ReadonlySet<string>): Promise<Admitted<N>> {
    const routeRequest: RouteRequest<N> = { ...request, exclude: tried };
    const first = this.tryRoute(routeRequest);
    if (!Array.isArray(first)) return first as Admitted<N>;
    let saturated = first as readonly SaturatedNode[];
    let admitted: Admitted<N> | undefined;
    const policy = this.deps.router.policyFor(request.capability.name);
    const waitMs = policy.queueTimeoutMs ?? this.deps.queue.defaultWaitMs;
    await this.deps.queue.wait({
      capability: request.capability.name,
      nodeIds: new Set(saturated.map((n) => n.nodeId)),
      tryAdmit: () => {
        const next = this.tryRoute(routeRequest);
        if (Array.isArray(next)) {
          saturated = next;
          return false;
        }
        admitted = next as Admitted<N>;
        return true;
      },
      describe: () => saturated.map((n) => `${n.nodeId} ${n.inFlight}/${n.maxConcurrent}`).join(', '),
      timeoutMs: request.deadline !== undefined ? Math.min(waitMs, request.deadline - this.clock.now()) : waitMs,
      ...(request.signal ? { signal: request.signal } : {}),
      ...(policy.maxQueued !== undefined ? { maxForCapability: policy.maxQueued } : {}),
    });
    return admitted as Admitted<N>;
  }

  /** Routes and, in the same tick, counts the call against the chosen node. */
  private tryRoute<N extends RoutableNode>(request: RouteRequest<N>): Admitted<N> | readonly SaturatedNode[] {
    const decision = this.deps.router.route(request);
    if (decision.kind === 'saturated') return decision.nodes;
    return { plan: decision.plan, release: this.deps.health.acquire(decision.plan.node.nodeId) };
  }

  private async runHedged<N extends RoutableNode, T>(
    request: ExecuteRequest<N>, admitted: Admitted<N>, attempt: AttemptFn<N, T>, tried: Set<string>, records: AttemptRecord[],
  ): Promise<Outcome<N, T>> {
    const primary = this.start(request, admitted, attempt, false, tried, records);
    const delay = this.hedgeDelay(request);
    if (delay === undefined) return primary.done;
    let timer: TimerHandle | undefined;
    const fired = new Promise<'hedge'>((resolve) => { timer = this.clock.setTimeout(() => resolve('hedge'), delay); });
    const first = await Promise.race([primary.done, fired]);
    this.clock.clearTimeout(timer);
    if (first !== 'hedge' || request.signal?.aborted) return primary.done;
    const hedge = this.admitHedge(request, tried);
    if (!hedge) return primary.done;
    return this.firstSuccess([primary, this.start(request, hedge, attempt, true, tried, records)]);
  }

  /** A second node for a slow call, only if one is free now and the retry budget has a token. */
  private admitHedge<N extends RoutableNode>(request: ExecuteRequest<N>, tried: ReadonlySet<string>): Admitted<N> | undefined {
    let next: Admitted<N> | readonly SaturatedNode[];
    try {
      next = this.tryRoute({ ...request, exclude: tried });
    } catch {
      return undefined;
    }
    if (Array.isArray(next)) return undefined;
    const admitted = next as Admitted<N>;
    if (this.deps.budget.tryWithdraw()) return admitted;
    admitted.release();
    return undefined;
  }

  /** The first success wins and the other attempt is aborted; when both fail, the later failure is reported. */
  private firstSuccess<N extends RoutableNode, T>(running: readonly Running<N, T>[]): Promise<Outcome<N, T>> {
    return new Promise((resolve) => {
      let pending = running.length;
      running.forEach((run) => {
        void run.done.then((outcome) => {
          pending--;
          if (outcome.ok) {
            running.filter((other) => other !== run).forEach((other) => other.abandon());
            resolve(outcome);
          } else if (pending === 0) {
            resolve(outcome);
          }
        });
      });
    });
  }

  private start<N extends RoutableNode, T>(
    request: ExecuteRequest<N>, admitted: Admitted<N>, attempt: AttemptFn<N, T>, hedge: boolean, tried: Set<string>, records: AttemptRecord[],
  ): Running<N, T> {
    const { plan, release } = admitted;
    const nodeId = plan.node.nodeId;
    const name = request.capability.name;
    tried.add(nodeId);
    const record: AttemptRecord = { nodeId, hedge, reason: plan.reason, outcome: 'running' };
    records.push(record);
    const context = { attempt: records.length, hedge, plan, ...(request.deadline !== undefined ? { deadline: request.deadline } : {}) };
    const controller = new AbortController();
    const onCallerAbort = () => controller.abort(request.signal?.reason);
    request.signal?.addEventListener('abort', onCallerAbort, { once: true });
    let abandoned = false;
    const startedAt = this.clock.now();
    const call = async (signal: AbortSignal): Promise<T> => {
      try {
        return await attempt(plan.node, { ...context, signal });
      } catch (err) {
        // Whatever a transport throws once we aborted it is a cancellation, never a fault of the node.
        if (signal.aborted && !(err instanceof PimcpError && err.code === ErrorCode.Cancelled)) {
          throw new PimcpError(ErrorCode.Cancelled, abandoned ? `abandoned: another node answered first` : `the caller cancelled ${name}`);
        }
        throw err;
      }
    };
    const done = this.deps.health.run(nodeId, call, controller.signal).then(
      (result): Outcome<N, T> => {
        const ms = this.clock.now() - startedAt;
        this.deps.health.recordLatency(nodeId, name, ms);
        this.deps.latency.record(name, ms);
        if (!abandoned) Object.assign(record, { outcome: 'succeeded', durationMs: ms });
        return { ok: true, result, plan };
      },
      (error: unknown): Outcome<N, T> => {
        const ms = this.clock.now() - startedAt;
        // A hedge loser ran at least this long: a lower bound, but it steers traffic away from a slow node.
        if (abandoned) this.deps.health.recordLatency(nodeId, name, ms);
        else Object.assign(record, { outcome: 'failed', durationMs: ms, error: summarize(error) });
        return { ok: false, error, nodeId };
      },
    ).finally(() => {
      release();
      request.signal?.removeEventListener('abort', onCallerAbort);
      this.deps.queue.notify(nodeId);
    });
    return {
      done,
      abandon: () => {
        abandoned = true;
        Object.assign(record, { outcome: 'aborted', durationMs: this.clock.now() - startedAt });
        controller.abort(new PimcpError(ErrorCode.Cancelled, 'abandoned: another node answered first'));
      },
    };
  }

  private hedgeDelay(request: ExecuteRequest): number | undefined {
    const name = request.capability.name;
    const enabled = this.deps.router.policyFor(name).hedge ?? this.hedging.enabled;
    if (!enabled || request.capability.annotations?.readOnlyHint !== true) return undefined;
    const quantile = this.deps.latency.quantile(name, this.hedging.quantile, this.hedging.minSamples);
    return quantile === undefined ? undefined : Math.max(this.hedging.minDelayMs, quantile);
  }

  private failure(request: ExecuteRequest, records: readonly AttemptRecord[], error: unknown, decision: RetryDecision): RouteError {
    const name = request.capability.name;
    const failed = records.filter((r) => r.outcome === 'failed');
    const nodeIds = [...new Set(records.map((r) => r.nodeId))];
    const problems: FieldProblem[] = records.map((r, i) => ({ path: `attempts[${i}]`, message: `${r.nodeId}: ${r.error ?? r.outcome}` }));
    const last = failed[failed.length - 1];
    const where = last ? `node ${last.nodeId}` : 'its node';
    if (decision.retry) throw new Error('failure() called for a call that may be retried');
    switch (decision.refusal) {
      case 'cancelled':
        return new RouteError(ErrorCode.Cancelled, RouteFailure.Cancelled, `${name} was cancelled by the caller (on ${where})`, nodeIds, problems, error);
      case 'unsafe':
        return new RouteError(ErrorCode.Internal, RouteFailure.OutcomeUnknown,
          `${name} failed on ${where} after it may have started (${summarize(error)}); ${decision.detail}. Check whether it took effect before calling it again`,
          last ? [last.nodeId] : nodeIds, problems, error);
      default: {
        const code = error instanceof PimcpError ? error.code : ErrorCode.Internal;
        const tail = decision.refusal === 'not-retryable' ? '' : `; not retried: ${decision.detail}`;
        const list = failed.length > 1
          ? `nodes ${failed.map((r) => r.nodeId).join(', ')} (${failed.map((r) => `${r.nodeId}: ${r.error}`).join('; ')})`
          : `${where}: ${summarize(error)}`;
        return new RouteError(code, RouteFailure.Failed, `${name} failed on ${list}${tail}`, nodeIds, problems, error);
      }
    }
  }
}

function summarize(error: unknown): string {
  if (error instanceof PimcpError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function cancelled(request: ExecuteRequest, records: readonly AttemptRecord[]): RouteError {
  return new RouteError(ErrorCode.Cancelled, RouteFailure.Cancelled, `${request.capability.name} was cancelled by the caller`, records.map((r) => r.nodeId));
}
