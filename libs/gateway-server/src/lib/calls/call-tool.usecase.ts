import { randomUUID } from 'node:crypto';
import { ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/server';
import { type CallerIdentity, type ClientRequestEvent, CONTEXT_META_KEY, ErrorCode, type LogEvent, PimcpError, type ProgressEvent } from '@pimcp/protocol';
import { markNotDelivered, parseTargetMeta, RouteError, type Routing } from '@pimcp/router';
import type { ArgumentValidator } from './argument-validator';
import type { CallAuditor, CallTrace } from './call-auditor';
import { ContextAffinity } from './context-affinity';
import { FANOUT_META_KEY, type FanOutUseCase, fanOutToolResult } from './fan-out.usecase';
import type { LocalTools } from './local-tools';
import type { NodeInvoker } from './node-invoker.port';
import type { ToolCatalog, ToolProvider } from './tool-catalog.port';

export interface CallToolInput {
  name: string;
  arguments: Record<string, unknown> | undefined;
  /** The request's `_meta`; transport and routing keys are stripped before it reaches a node. */
  meta: Record<string, unknown> | undefined;
  caller: CallerIdentity;
  signal: AbortSignal;
  onProgress: (event: ProgressEvent) => void;
  /** What the tool logs while it runs (relayed as notifications/message, filtered by the client's level). */
  onLog?: (event: LogEvent) => void;
  /** Sends a request the tool makes of this client (sampling, elicitation, roots) on the call's own request. */
  onClientRequest?: (event: ClientRequestEvent) => Promise<Record<string, unknown>>;
}

export interface CallToolOptions {
  callTimeoutMs: number;
  /** This gateway's region: light capabilities prefer edge nodes labelled with it. */
  region?: string;
}

/** Keys that belong to this hop (progress, protocol envelope, routing), not to the tool. */
const HOP_META = /^(progressToken$|io\.modelcontextprotocol\/|io\.pimcp\/(target|fanout)$)/;
/** Result `_meta` keys telling the client which node ran the call and why it was chosen. */
export const NODE_META_KEY = 'io.pimcp/node';
export const ROUTE_META_KEY = 'io.pimcp/route';

/**
 * One tools/call: resolve the name, check the arguments, let the router pick a node (and retry, hedge or queue
 * as safe), invoke it with a deadline, and map failures to errors a client can act on. Never forwards the
 * client's token.
 */
export class CallToolUseCase {
  private readonly affinity = new ContextAffinity();

  constructor(
    private readonly catalog: ToolCatalog,
    private readonly validator: ArgumentValidator,
    private readonly routing: Routing,
    private readonly invoker: NodeInvoker,
    private readonly options: CallToolOptions,
    private readonly local?: LocalTools,
    private readonly fanOut?: FanOutUseCase,
    private readonly auditor?: CallAuditor,
  ) {}

  /** Runs the call and leaves one audit record of it, also when it is refused or fails. */
  async execute(input: CallToolInput): Promise<Record<string, unknown>> {
    const trace: CallTrace = { requestId: randomUUID(), startedAt: Date.now() };
    try {
      const result = await this.run(input, trace);
      this.auditor?.succeeded(input, trace, result);
      return result;
    } catch (err) {
      this.auditor?.failed(input, trace, err);
      throw err;
    }
  }

  private async run(input: CallToolInput, trace: CallTrace): Promise<Record<string, unknown>> {
    if (this.local?.has(input.name)) return this.runLocal(this.local, input);
    const fanOut = fanOutOf(input.meta);
    if (fanOut && this.fanOut) {
      return fanOutToolResult(await this.fanOut.execute({
        tool: input.name, arguments: input.arguments ?? {}, selector: fanOut.selector, ...(fanOut.concurrency ? { concurrency: fanOut.concurrency } : {}),
        deadline: Date.now() + Math.min(fanOut.timeoutMs ?? this.options.callTimeoutMs, this.options.callTimeoutMs),
        caller: input.caller, meta: toolMeta(input.meta), signal: input.signal, onProgress: monotonic(input.onProgress),
      }));
    }
    const tool = this.catalog.resolve(input.name);
    if (!tool) {
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown tool "${input.name.slice(0, 200)}"; call tools/list for the tools this gateway offers`);
    }
    const args = input.arguments ?? {};
    const problems = this.validator.problems(tool.definition, args);
    if (problems.length > 0) {
      trace.invalidArguments = true;
      // A tool-level error (not a protocol error) so a model can read it and correct its call.
      return { isError: true, content: [{ type: 'text', text: `Invalid arguments for ${input.name}: ${problems.join('; ')}` }] };
    }
    const requestId = trace.requestId;
    const deadline = Date.now() + this.options.callTimeoutMs;
    const onProgress = monotonic(input.onProgress);
    // Only a context the caller names: every call has a default per-client context, and stickiness to it would
    // defeat load spreading and tier placement for ordinary calls.
    const contextId = namedContext(input.meta);
    const affine = contextId === undefined ? undefined : this.affinity.nodeFor(contextId);
    try {
      const target = parseTargetMeta(input.meta);
      const outcome = await this.routing.executor.execute({
        capability: { ...tool.definition, name: tool.capabilityName },
        providers: tool.providers.map(routable),
        ...(target ? { target } : {}),
        ...(this.options.region ? { callerRegion: this.options.region } : {}),
        inputBytes: Buffer.byteLength(JSON.stringify(args)),
        ...(affine ? { preferredNodeIds: [affine] } : {}),
        signal: input.signal,
        deadline,
      }, (provider, attempt) => {
        trace.nodeId = provider.nodeId;
        return this.invoker.invoke(provider, {
          // Each attempt is its own request on its node; the suffix keeps retried and hedged copies apart in logs.
          requestId: attempt.attempt === 1 && !attempt.hedge ? requestId : `${requestId}~${attempt.attempt}`,
          tool: tool.capabilityName,
          arguments: args,
          deadline,
          caller: input.caller,
          meta: toolMeta(input.meta),
        }, {
          signal: attempt.signal, onProgress, ...(input.onLog ? { onLog: input.onLog } : {}),
          ...(input.onClientRequest ? { onClientRequest: input.onClientRequest } : {}),
        }).catch((err: unknown) => {
          // A call the node never started may go to another node whatever its annotations say.
          throw err instanceof PimcpError && err.notRun ? markNotDelivered(err) : err;
        });
      });
      trace.nodeId = outcome.nodeId;
      if (contextId !== undefined) this.affinity.record(contextId, outcome.nodeId);
      const meta = { ...(isObject(outcome.result['_meta']) ? outcome.result['_meta'] : {}), [NODE_META_KEY]: outcome.nodeId, [ROUTE_META_KEY]: outcome.plan.reason };
      return { ...outcome.result, _meta: meta };
    } catch (err) {
      throw toProtocolError(err, input.name);
    }
  }

  private async runLocal(local: LocalTools, input: CallToolInput): Promise<Record<string, unknown>> {
    try {
      return await local.run(input.name, input.arguments ?? {}, {
        caller: input.caller, meta: toolMeta(input.meta), signal: input.signal, onProgress: input.onProgress, ...(input.onLog ? { onLog: input.onLog } : {}),
      });
    } catch (err) {
      // As for node tools: arguments that fail the schema are a tool error the model can read and correct.
      if (err instanceof PimcpError && err.code === ErrorCode.InvalidArguments) return { isError: true, content: [{ type: 'text', text: err.message }] };
      throw toProtocolError(err, input.name);
    }
  }
}

function routable(provider: ToolProvider): ToolProvider & { labels: Readonly<Record<string, string>> } {
  return { ...provider, labels: provider.labels ?? {} };
}

/** A retried call starts its progress over; the client must only see it increase (MCP). */
function monotonic(relay: (event: ProgressEvent) => void): (event: ProgressEvent) => void {
  let last = -Infinity;
  return (event) => {
    if (event.progress <= last) return;
    last = event.progress;
    relay(event);
  };
}

function toolMeta(meta: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!meta) return undefined;
  const kept = Object.entries(meta).filter(([key]) => !HOP_META.test(key));
  return kept.length > 0 ? Object.fromEntries(kept) : undefined;
}

function toProtocolError(err: unknown, tool: string): ProtocolError {
  if (err instanceof ProtocolError) return err;
  if (err instanceof RouteError) {
    // A target the caller named that matches nothing is the caller's to fix.
    const code = err.code === ErrorCode.InvalidRequest ? ProtocolErrorCode.InvalidParams : ProtocolErrorCode.InternalError;
    return new ProtocolError(code, `${tool}: ${err.message}`, {
      code: err.code, failure: err.failure, nodeIds: err.nodeIds, retryable: err.retryable, ...(err.problems.length > 0 ? { problems: err.problems } : {}),
    });
  }
  if (err instanceof PimcpError) {
    return new ProtocolError(ProtocolErrorCode.InternalError, `${tool} failed: ${err.message}`, { code: err.code, retryable: err.retryable });
  }
  return new ProtocolError(ProtocolErrorCode.InternalError, `${tool} failed`, { code: ErrorCode.Internal });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `_meta["io.pimcp/fanout"]`: a selector string, or `{ selector, concurrency?, timeoutMs? }`. */
function fanOutOf(meta: Record<string, unknown> | undefined): { selector: string; concurrency?: number; timeoutMs?: number } | undefined {
  const value = meta?.[FANOUT_META_KEY];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return { selector: value };
  if (isObject(value) && (value['selector'] === undefined || typeof value['selector'] === 'string')) {
    const number = (key: string) => (typeof value[key] === 'number' && Number.isInteger(value[key]) && (value[key] as number) > 0 ? (value[key] as number) : undefined);
    const concurrency = number('concurrency');
    const timeoutMs = number('timeoutMs');
    return { selector: (value['selector'] as string | undefined) ?? '', ...(concurrency ? { concurrency } : {}), ...(timeoutMs ? { timeoutMs } : {}) };
  }
  throw new ProtocolError(ProtocolErrorCode.InvalidParams, `_meta["${FANOUT_META_KEY}"] must be a label selector such as "region=tokyo", or {"selector": ..., "concurrency": n, "timeoutMs": n}`);
}

function namedContext(meta: Record<string, unknown> | undefined): string | undefined {
  const named = meta?.[CONTEXT_META_KEY];
  return typeof named === 'string' && named.length > 0 ? named : undefined;
}
