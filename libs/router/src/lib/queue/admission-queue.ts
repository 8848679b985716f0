import { ErrorCode } from '@pimcp/protocol';
import { type Clock, systemClock, type TimerHandle } from '../clock';
import { RouteError, RouteFailure } from '../route-error';

export interface AdmissionQueueOptions {
  /** Calls waiting at most, all capabilities together (default 1000). */
  maxWaiting?: number;
  /** Calls of one capability waiting at most (default 100; a routing policy's `maxQueued` overrides it). */
  maxWaitingPerCapability?: number;
  /** How long a call waits for a free node before it is refused (default 5000 ms; policy `queueTimeoutMs`). */
  maxWaitMs?: number;
}

export interface WaitRequest {
  readonly capability: string;
  /** Nodes whose freed slot may let this call in. */
  readonly nodeIds: ReadonlySet<string>;
  /** Routes the call again; true when it got (and reserved) a node. Synchronous; throwing fails the call. */
  readonly tryAdmit: () => boolean;
  /** For messages: which nodes are full, e.g. "pi-1 8/8, pi-2 8/8". */
  readonly describe: () => string;
  readonly signal?: AbortSignal;
  /** Replaces the queue's maxWaitMs (a policy's queueTimeoutMs, or what is left of the call's deadline). */
  readonly timeoutMs?: number;
  /** Overrides maxWaitingPerCapability for this capability. */
  readonly maxForCapability?: number;
}

interface Waiter {
  readonly request: WaitRequest;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
  timer?: TimerHandle;
  onAbort?: () => void;
}

/**
 * Calls waiting because every node that could run them is at its concurrency limit. FIFO; a freed slot admits the
 * oldest waiter that can use it. Bounded in count and in time; a refused call gets a retryable NODE_UNAVAILABLE.
 */
export class AdmissionQueue {
  private readonly waiters: Waiter[] = [];
  private readonly perCapability = new Map<string, number>();
  private readonly maxWaiting: number;
  private readonly maxPerCapability: number;
  /** How long a call waits by default (what `timeoutMs` replaces). */
  readonly defaultWaitMs: number;

  constructor(options: AdmissionQueueOptions = {}, private readonly clock: Clock = systemClock) {
    this.maxWaiting = options.maxWaiting ?? 1000;
    this.maxPerCapability = options.maxWaitingPerCapability ?? 100;
    this.defaultWaitMs = options.maxWaitMs ?? 5000;
  }

  /** Resolves once `tryAdmit` succeeded; rejects when the queue is full, the wait times out or the caller aborts. */
  wait(request: WaitRequest): Promise<void> {
    const capability = request.capability;
    const waitingHere = this.perCapability.get(capability) ?? 0;
    const capLimit = request.maxForCapability ?? this.maxPerCapability;
    if (this.waiters.length >= this.maxWaiting || waitingHere >= capLimit) {
      const which = waitingHere >= capLimit
        ? `${waitingHere} calls of ${capability} already wait (limit ${capLimit})`
        : `${this.waiters.length} calls already wait in this gateway (limit ${this.maxWaiting})`;
      return Promise.reject(new RouteError(ErrorCode.NodeUnavailable, RouteFailure.QueueFull,
        `every node that can run ${capability} is at its concurrency limit (${request.describe()}) and ${which}; retry later`,
        [...request.nodeIds]));
    }
    const timeoutMs = request.timeoutMs ?? this.defaultWaitMs;
    if (request.signal?.aborted) return Promise.reject(cancelled(capability));
    if (timeoutMs <= 0) return Promise.reject(timedOut(request, 0));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { request, resolve, reject };
      waiter.timer = this.clock.setTimeout(() => this.fail(waiter, timedOut(request, timeoutMs)), timeoutMs);
      if (request.signal) {
        waiter.onAbort = () => this.fail(waiter, cancelled(capability));
        request.signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
      this.perCapability.set(capability, waitingHere + 1);
    });
  }

  /**
   * A slot freed on `nodeId`: the oldest waiter that can use it is admitted. Without a node id (nodes joined, a
   * circuit closed), every waiter that can now be admitted is.
   */
  notify(nodeId?: string): void {
    for (let i = 0; i < this.waiters.length;) {
      const waiter = this.waiters[i] as Waiter;
      if (nodeId !== undefined && !waiter.request.nodeIds.has(nodeId)) { i++; continue; }
      let admitted: boolean;
      try {
        admitted = waiter.request.tryAdmit();
      } catch (err) {
        this.fail(waiter, err);
        continue;
      }
      if (!admitted) { i++; continue; }
      this.remove(waiter);
      waiter.resolve();
      if (nodeId !== undefined) return;
    }
  }

  /** Calls waiting now. */
  get size(): number {
    return this.waiters.length;
  }

  sizeOf(capability: string): number {
    return this.perCapability.get(capability) ?? 0;
  }

  private fail(waiter: Waiter, error: unknown): void {
    if (!this.remove(waiter)) return;
    waiter.reject(error);
  }

  private remove(waiter: Waiter): boolean {
    const index = this.waiters.indexOf(waiter);
    if (index < 0) return false;
    this.waiters.splice(index, 1);
    if (waiter.timer !== undefined) this.clock.clearTimeout(waiter.timer);
    if (waiter.onAbort) waiter.request.signal?.removeEventListener('abort', waiter.onAbort);
    const capability = waiter.request.capability;
    const left = (this.perCapability.get(capability) ?? 1) - 1;
    if (left <= 0) this.perCapability.delete(capability);
    else this.perCapability.set(capability, left);
    return true;
  }
}

function timedOut(request: WaitRequest, waitedMs: number): RouteError {
  return new RouteError(ErrorCode.NodeUnavailable, RouteFailure.QueueTimeout,
    `every node that can run ${request.capability} stayed at its concurrency limit (${request.describe()}) for ${waitedMs} ms; retry later`,
    [...request.nodeIds]);
}

function cancelled(capability: string): RouteError {
  return new RouteError(ErrorCode.Cancelled, RouteFailure.Cancelled, `the call of ${capability} was cancelled while waiting for a free node`);
}
