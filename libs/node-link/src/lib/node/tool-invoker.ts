import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { Logger } from '@nestjs/common';
import { ErrorCode, type InvokeEvent, type InvokeRequest, PimcpError } from '@pimcp/protocol';
import { type ToolDefinition, ToolError, type ToolResult } from '@pimcp/plugin-sdk';
import { Observable } from 'rxjs';

interface InFlight {
  controller: AbortController;
  done: Promise<void>;
}

/**
 * Runs invocations on a node: finds the tool, validates the arguments, runs the handler with an
 * AbortSignal tied to cancel, deadline and shutdown, and streams progress then one result.
 */
export class ToolInvoker {
  private readonly logger = new Logger(ToolInvoker.name);
  private readonly tools = new Map<string, { tool: ToolDefinition; validate: ValidateFunction }>();
  private readonly inFlight = new Map<string, InFlight>();
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  private accepting = true;

  constructor(tools: readonly ToolDefinition[]) {
    for (const tool of tools) this.tools.set(tool.name, { tool, validate: this.ajv.compile(tool.inputSchema) });
  }

  /** The hosted tools, for listings (the manifest, the node's own MCP endpoint). */
  list(): ToolDefinition[] {
    return [...this.tools.values()].map((t) => t.tool);
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  invoke(request: InvokeRequest): Observable<InvokeEvent> {
    return new Observable<InvokeEvent>((subscriber) => {
      const failure = this.refusal(request);
      if (failure) {
        subscriber.error(failure);
        return undefined;
      }
      const entry = this.tools.get(request.tool) as { tool: ToolDefinition };
      const controller = new AbortController();
      const remaining = request.deadline - Date.now();
      const deadline = setTimeout(() => controller.abort(new PimcpError(ErrorCode.DeadlineExceeded, `deadline of ${request.tool} passed`)), Math.max(0, remaining));
      const done = this.run(entry.tool, request, controller.signal, (event) => subscriber.next(event))
        .then((result) => {
          if (controller.signal.aborted) throw controller.signal.reason;
          subscriber.next({ type: 'result', result });
          subscriber.complete();
        })
        .catch((err: unknown) => subscriber.error(toPimcpError(err, request.tool)))
        .finally(() => {
          clearTimeout(deadline);
          this.inFlight.delete(request.requestId);
        });
      this.inFlight.set(request.requestId, { controller, done });
      return undefined;
    });
  }

  /** Aborts one invocation; unknown ids are ignored (it may have just finished). */
  cancel(requestId: string, reason = 'cancelled by the caller'): void {
    this.inFlight.get(requestId)?.controller.abort(new PimcpError(ErrorCode.Cancelled, reason));
  }

  /** Refuses new work, waits up to graceMs for running calls, then aborts the rest. */
  async drain(graceMs: number): Promise<void> {
    this.accepting = false;
    const running = [...this.inFlight.values()];
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), graceMs)));
    const outcome = await Promise.race([Promise.all(running.map((r) => r.done)).then(() => 'done' as const), timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.logger.warn(`${this.inFlight.size} calls still running after ${graceMs} ms; aborting them`);
      for (const r of this.inFlight.values()) r.controller.abort(new PimcpError(ErrorCode.NodeUnavailable, 'node is shutting down'));
      await Promise.all([...this.inFlight.values()].map((r) => r.done));
    }
  }

  private refusal(request: InvokeRequest): PimcpError | undefined {
    if (!this.accepting) return new PimcpError(ErrorCode.NodeUnavailable, 'node is shutting down; call another node');
    const entry = this.tools.get(request.tool);
    if (!entry) return new PimcpError(ErrorCode.ToolUnknown, `this node has no tool "${String(request.tool).slice(0, 100)}"`);
    if (!entry.validate(request.arguments ?? {})) {
      const problems = (entry.validate.errors ?? []).map((e) => `${e.instancePath || '(arguments)'} ${e.message ?? ''}`.trim());
      return new PimcpError(ErrorCode.InvalidArguments, `invalid arguments for ${request.tool}: ${problems.join('; ')}`);
    }
    if (request.deadline <= Date.now()) return new PimcpError(ErrorCode.DeadlineExceeded, `deadline of ${request.tool} passed before it started`);
    return undefined;
  }

  private async run(tool: ToolDefinition, request: InvokeRequest, signal: AbortSignal, emit: (e: InvokeEvent) => void): Promise<ToolResult> {
    const logger = new Logger(`tool:${tool.name}`);
    try {
      return await tool.handler(request.arguments ?? {}, {
        signal,
        requestId: request.requestId,
        caller: request.caller,
        meta: request.meta ?? {},
        logger,
        progress: (progress, total, message) => {
          if (!signal.aborted) emit({ type: 'progress', progress, ...(total !== undefined ? { total } : {}), ...(message ? { message } : {}) });
        },
      });
    } catch (err) {
      if (err instanceof ToolError) return err.toResult();
      throw err;
    }
  }
}

/** Errors leave the node as PimcpError; the link's exception filter turns them into wire bodies. */
function toPimcpError(err: unknown, tool: string): PimcpError {
  if (err instanceof PimcpError) return err;
  return new PimcpError(ErrorCode.Internal, `${tool} failed: ${(err as Error)?.message ?? String(err)}`);
}
