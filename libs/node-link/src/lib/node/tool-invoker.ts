import { Logger } from '@nestjs/common';
import {
  callContextId, ErrorCode, type InvokeEvent, type InvokeRequest, type LogEvent, PimcpError, type ProgressEvent,
} from '@pimcp/protocol';
import { type ContextHandle, runTool, type ToolContext, type ToolDefinition, type ToolLogger, unavailableContext } from '@pimcp/plugin-sdk';
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
}

export interface DrainResult {
  /** Calls that finished by themselves within the grace period. */
  finished: number;
  /** Calls aborted when the grace period ran out. */
  aborted: number;
}

interface InFlight {
  tool: string;
  controller: AbortController;
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
      const settle = (finish: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadlineTimer);
        finish();
      };
      const budget = request.deadline - Date.now();
      const deadlineTimer = setTimeout(() => {
        controller.abort(new PimcpError(ErrorCode.DeadlineExceeded, `${tool.name} did not finish within its deadline (${budget} ms)`));
      }, Math.min(budget, MAX_TIMER_MS));
      // The caller hears about an abort at once; the handler may take a moment to notice its signal.
      controller.signal.addEventListener('abort', () => settle(() => subscriber.error(toPimcpError(controller.signal.reason, tool.name))), { once: true });

      const context = this.context(tool, request, controller.signal, (event) => {
        if (!settled) subscriber.next(event);
      });
      const started = Date.now();
      const done = runTool(tool, request.arguments, context).then(
        (result) => settle(() => {
          subscriber.next({ type: 'result', result });
          subscriber.complete();
        }),
        (err: unknown) => {
          if (!(err instanceof PimcpError) && !controller.signal.aborted) {
            this.logger.error(`${tool.name} (request ${request.requestId}) failed: ${(err as Error)?.stack ?? String(err)}`);
          }
          settle(() => subscriber.error(toPimcpError(controller.signal.aborted ? controller.signal.reason : err, tool.name)));
        },
      ).finally(() => {
        this.inFlight.delete(request.requestId);
        this.logger.debug(`${tool.name} (request ${request.requestId}) ended after ${Date.now() - started} ms`);
      });
      this.inFlight.set(request.requestId, { tool: tool.name, controller, done });
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

  private context(tool: ToolDefinition, request: InvokeRequest, signal: AbortSignal, emit: (event: ProgressEvent | LogEvent) => void): ToolContext {
    let last = -Infinity;
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
