import { Logger } from '@nestjs/common';
import {
  callContextId, type ClientReply, type ClientRequestEvent, ErrorCode, type InvokeEvent, type InvokeRequest, type LogEvent, PimcpError, type ProgressEvent,
} from '@pimcp/protocol';
import {
  ClientRequestError, type ContextHandle, runTool, type ToolContext, type ToolDefinition, type ToolLogger, unavailableContext,
} from '@pimcp/plugin-sdk';
import { Observable } from 'rxjs';

export interface ToolInvokerOptions {
  /** Names the node in refusals ("node pi-1 is shutting down"). */
  nodeId?: string;
  /** Calls running at once; one more is refused with NODE_UNAVAILABLE (retryable) so the gateway tries elsewhere. */
  maxConcurrent?: number;
  /** After the grace period of drain() aborts the stragglers, how long to wait for their handlers to return. */
  abortWaitMs?: number;
  /** The logger a tool's handler gets; by default a Nest Logger named after the tool. */
  toolLogger?: (tool: ToolDefinition, requestId: string) => ToolLogger;
  /** The shared context a call works in (the node's context store); without it, using one is a tool error. */
  contexts?: (contextId: string) => ContextHandle;
  /** Told when a call's outcome is known to its caller (metrics): its tool, how it ended, and how long it ran. */
  onCallEnded?: (tool: string, outcome: CallEndOutcome, durationMs: number) => void;
}

/** How a call that started ended: a result, a result with isError, an error, or aborted (cancel, deadline, shutdown). */
export type CallEndOutcome = 'ok' | 'tool_error' | 'failed' | 'aborted';

export interface DrainResult {
  /** Calls that finished by themselves within the grace period. */
  finished: number;
  /** Calls aborted when the grace period ran out. */
  aborted: number;
}

interface InFlight {
  tool: string;
  controller: AbortController;
  /** Requests of the calling MCP client awaiting its reply, by event id. */
  clientRequests: Map<string, { resolve(result: Record<string, unknown>): void; reject(err: Error): void }>;
  /** Settles when the handler has returned or thrown, whatever the caller was told. */
  done: Promise<void>;
}

const MAX_ERROR_TEXT = 500;
// setTimeout fires at once for anything longer (about 24.8 days).
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Runs invocations on a node, whatever the transport: finds the tool (TOOL_UNKNOWN), validates the
 * arguments (INVALID_ARGUMENTS), runs the handler with an AbortSignal tied to cancel, deadline and
 * shutdown, and streams progress and log events then exactly one result event. Failures end the stream with a
 * PimcpError; tool-level failures are results with `isError: true`.
 */
export class ToolInvoker {
  private readonly logger = new Logger(ToolInvoker.name);
  private readonly byName = new Map<string, ToolDefinition>();
  private readonly inFlight = new Map<string, InFlight>();
  private accepting = true;

  constructor(tools: readonly ToolDefinition[], private readonly options: ToolInvokerOptions = {}) {
    this.replaceTools(tools);
  }

  /**
   * Swaps the hosted tools (a plugin config reload). Calls already running keep their handler and finish; new
   * calls see the new set. Throws (changing nothing) when two tools share a name.
   */
  replaceTools(tools: readonly ToolDefinition[]): void {
    const next = new Map<string, ToolDefinition>();
    for (const tool of tools) {
      if (next.has(tool.name)) throw new PimcpError(ErrorCode.InvalidManifest, `two tools are named "${tool.name}"; tool names must be unique on a node`);
      next.set(tool.name, tool);
    }
    this.byName.clear();
    for (const [name, tool] of next) this.byName.set(name, tool);
  }

  /** Resolves when no call of these tools is running any more, or after timeoutMs; true when they all finished. */
  async settled(tools: ReadonlySet<string>, timeoutMs: number): Promise<boolean> {
    const running = [...this.inFlight.values()].filter((call) => tools.has(call.tool)).map((call) => call.done);
    return within(Promise.all(running), timeoutMs);
  }

  /** The hosted tools, for listings (the manifest, the node's own MCP endpoint). */
  list(): ToolDefinition[] {
    return [...this.byName.values()];
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  get isAccepting(): boolean {
    return this.accepting;
  }

  /** A cold stream: subscribing starts the call, unsubscribing before the end aborts its handler. */
  invoke(request: InvokeRequest): Observable<InvokeEvent> {
    return new Observable<InvokeEvent>((subscriber) => {
      const refusal = this.refusal(request);
      if (refusal) {
        // Refused at the door: nothing ran, so the gateway may send the call to another node.
        subscriber.error(refusal.notStarted());
        return undefined;
      }
      const tool = this.byName.get(request.tool) as ToolDefinition;
      const controller = new AbortController();
      let settled = false;
      const started = Date.now();
      const settle = (finish: () => void, outcome: CallEndOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadlineTimer);
        this.options.onCallEnded?.(tool.name, outcome, Date.now() - started);
        finish();
      };
      const budget = request.deadline - Date.now();
      const deadlineTimer = setTimeout(() => {
        controller.abort(new PimcpError(ErrorCode.DeadlineExceeded, `${tool.name} did not finish within its deadline (${budget} ms)`));
      }, Math.min(budget, MAX_TIMER_MS));
      // The caller hears about an abort at once; the handler may take a moment to notice its signal.
      controller.signal.addEventListener('abort', () => settle(() => subscriber.error(toPimcpError(controller.signal.reason, tool.name)), 'aborted'), { once: true });

      const clientRequests: InFlight['clientRequests'] = new Map();
      const context = this.context(tool, request, controller.signal, (event) => {
        if (!settled) subscriber.next(event);
      }, clientRequests);
      // In flight before the handler starts: it may ask its client something before its first await.
      const entry: InFlight = { tool: tool.name, controller, done: Promise.resolve(), clientRequests };
      this.inFlight.set(request.requestId, entry);
      entry.done = runTool(tool, request.arguments, context).then(
        (result) => settle(() => {
          subscriber.next({ type: 'result', result });
          subscriber.complete();
        }, result.isError === true ? 'tool_error' : 'ok'),
        (err: unknown) => {
          if (!(err instanceof PimcpError) && !controller.signal.aborted) {
            this.logger.error(`${tool.name} (request ${request.requestId}) failed: ${(err as Error)?.stack ?? String(err)}`);
          }
          settle(() => subscriber.error(toPimcpError(controller.signal.aborted ? controller.signal.reason : err, tool.name)), controller.signal.aborted ? 'aborted' : 'failed');
        },
      ).finally(() => {
        this.inFlight.delete(request.requestId);
        this.logger.debug(`${tool.name} (request ${request.requestId}) ended after ${Date.now() - started} ms`);
      });
      return () => {
        if (!settled) controller.abort(new PimcpError(ErrorCode.Cancelled, 'the caller stopped listening'));
      };
    });
  }

  /** Aborts one invocation; false when it is not running here (it may have just finished). */
  cancel(requestId: string, reason = 'cancelled by the caller'): boolean {
    const call = this.inFlight.get(requestId);
    call?.controller.abort(new PimcpError(ErrorCode.Cancelled, `${call.tool} was cancelled: ${reason.slice(0, 200)}`));
    return call !== undefined;
  }

  /** Delivers the MCP client's answer to a request a running tool made of it; false when nobody waits for it. */
  answerClientRequest(reply: ClientReply): boolean {
    const pending = this.inFlight.get(reply.requestId)?.clientRequests;
    const waiter = pending?.get(reply.id);
    if (!pending || !waiter) return false;
    pending.delete(reply.id);
    if (reply.error) waiter.reject(new ClientRequestError(reply.error.code, reply.error.message));
    else waiter.resolve(reply.result ?? {});
    return true;
  }

  /** Refuses new calls from now on; the ones running carry on. */
  stopAccepting(): void {
    this.accepting = false;
  }

  /** Refuses new calls, waits up to graceMs for running ones, then aborts the rest. */
  async drain(graceMs: number): Promise<DrainResult> {
    this.stopAccepting();
    const running = [...this.inFlight.values()];
    const finishedInTime = await within(Promise.all(running.map((c) => c.done)), graceMs);
    if (finishedInTime) return { finished: running.length, aborted: 0 };
    const stragglers = [...this.inFlight.values()];
    this.logger.warn(`${stragglers.length} call(s) still running after the ${graceMs} ms grace period; aborting them`);
    for (const call of stragglers) {
      call.controller.abort(new PimcpError(ErrorCode.NodeUnavailable, `${this.nodeName()} is shutting down and stopped ${call.tool}; retry on another node`));
    }
    if (!(await within(Promise.all(stragglers.map((c) => c.done)), this.options.abortWaitMs ?? 1000))) {
      this.logger.warn(`${this.inFlight.size} handler(s) ignored their abort signal; leaving them behind`);
    }
    return { finished: running.length - stragglers.length, aborted: stragglers.length };
  }

  private refusal(request: InvokeRequest): PimcpError | undefined {
    if (!this.accepting) return new PimcpError(ErrorCode.NodeUnavailable, `${this.nodeName()} is shutting down; call another node`);
    if (!this.byName.has(request.tool)) {
      return new PimcpError(ErrorCode.ToolUnknown, `${this.nodeName()} has no tool "${request.tool.slice(0, 100)}"`);
    }
    if (this.inFlight.has(request.requestId)) {
      return new PimcpError(ErrorCode.InvalidRequest, `request ${request.requestId.slice(0, 128)} is already running on ${this.nodeName()}; request ids must be unique`);
    }
    const max = this.options.maxConcurrent ?? Infinity;
    if (this.inFlight.size >= max) {
      return new PimcpError(ErrorCode.NodeUnavailable, `${this.nodeName()} is running its maximum of ${max} calls; retry later or on another node`);
    }
    if (request.deadline <= Date.now()) {
      return new PimcpError(ErrorCode.DeadlineExceeded, `the deadline of ${request.tool} passed before it reached ${this.nodeName()}`);
    }
    return undefined;
  }

  private context(
    tool: ToolDefinition, request: InvokeRequest, signal: AbortSignal, emit: (event: ProgressEvent | LogEvent | ClientRequestEvent) => void,
    clientRequests: InFlight['clientRequests'],
  ): ToolContext {
    let last = -Infinity;
    let sequence = 0;
    const local = this.options.toolLogger?.(tool, request.requestId) ?? requestLogger(tool, request.requestId);
    return {
      signal,
      requestId: request.requestId,
      caller: request.caller,
      deadline: request.deadline,
      meta: request.meta ?? {},
      context: this.contextOf(request),
      logger: relayingLogger(local, (level, message) => {
        if (!signal.aborted) emit({ type: 'log', level, logger: tool.name, data: message });
      }),
      progress: (progress, total, message) => {
        // MCP requires progress to increase; anything else would be relayed as a protocol violation.
        if (signal.aborted || !Number.isFinite(progress) || progress <= last || (total !== undefined && !Number.isFinite(total))) return;
        last = progress;
        emit({ type: 'progress', progress, ...(total !== undefined ? { total } : {}), ...(message ? { message: String(message) } : {}) });
      },
      // The gateway relays the event to the client that made the call and sends its answer back (ADR 0016).
      requestClient: (method, params) => new Promise((resolve, reject) => {
        if (signal.aborted) return reject(signal.reason as Error);
        const id = String(++sequence);
        const onAbort = () => {
          clientRequests.delete(id);
          reject(signal.reason as Error);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        clientRequests.set(id, {
          resolve: (result) => {
            signal.removeEventListener('abort', onAbort);
            resolve(result);
          },
          reject: (err) => {
            signal.removeEventListener('abort', onAbort);
            reject(err);
          },
        });
        emit({ type: 'client-request', id, method, params });
      }),
    };
  }

  private contextOf(request: InvokeRequest): ContextHandle {
    const id = callContextId(request.meta, request.caller);
    return this.options.contexts?.(id) ?? unavailableContext(id, 'it has no context store (set PIMCP_REDIS_URL)');
  }

  private nodeName(): string {
    return this.options.nodeId ? `node ${this.options.nodeId}` : 'this node';
  }
}

/** What a tool logs goes to the node's log and, as MCP notifications/message, to the caller (ADR 0008). */
function relayingLogger(local: ToolLogger, relay: (level: LogEvent['level'], message: string) => void): ToolLogger {
  return {
    log: (message) => {
      local.log(message);
      relay('info', String(message));
    },
    warn: (message) => {
      local.warn(message);
      relay('warning', String(message));
    },
    error: (message) => {
      local.error(message);
      relay('error', String(message));
    },
  };
}

function requestLogger(tool: ToolDefinition, requestId: string): ToolLogger {
  const logger = new Logger(`tool:${tool.name}`);
  return {
    log: (message) => logger.log(`[${requestId}] ${message}`),
    warn: (message) => logger.warn(`[${requestId}] ${message}`),
    error: (message) => logger.error(`[${requestId}] ${message}`),
  };
}

/** Errors leave the node as PimcpError; the link's exception filter turns them into wire bodies. */
function toPimcpError(err: unknown, tool: string): PimcpError {
  if (err instanceof PimcpError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new PimcpError(ErrorCode.Internal, `${tool} failed: ${message.slice(0, MAX_ERROR_TEXT)}`);
}

/** True when `work` settles within `ms`. */
async function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([work.then(() => true), expired]);
  } finally {
    clearTimeout(timer);
  }
}
