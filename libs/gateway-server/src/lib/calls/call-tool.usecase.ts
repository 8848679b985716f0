import { randomUUID } from 'node:crypto';
import { ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/server';
import { type CallerIdentity, ErrorCode, type LogEvent, PimcpError, type ProgressEvent } from '@pimcp/protocol';
import type { ArgumentValidator } from './argument-validator';
import type { LocalTools } from './local-tools';
import type { NodeInvoker } from './node-invoker.port';
import type { ProviderPicker } from './provider-picker';
import type { ToolCatalog } from './tool-catalog.port';

export interface CallToolInput {
  name: string;
  arguments: Record<string, unknown> | undefined;
  /** The request's `_meta`; transport keys are stripped before it reaches a node. */
  meta: Record<string, unknown> | undefined;
  caller: CallerIdentity;
  signal: AbortSignal;
  onProgress: (event: ProgressEvent) => void;
  /** What the tool logs while it runs (relayed as notifications/message, filtered by the client's level). */
  onLog?: (event: LogEvent) => void;
}

/** Keys that belong to this hop (progress, protocol envelope), not to the tool. */
const HOP_META = /^(progressToken$|io\.modelcontextprotocol\/)/;

/**
 * One tools/call: resolve the name, check the arguments, pick a node, invoke it with a deadline,
 * and map failures to errors a client can act on. Never forwards the client's token.
 */
export class CallToolUseCase {
  constructor(
    private readonly catalog: ToolCatalog,
    private readonly validator: ArgumentValidator,
    private readonly picker: ProviderPicker,
    private readonly invoker: NodeInvoker,
    private readonly callTimeoutMs: number,
    private readonly local?: LocalTools,
  ) {}

  async execute(input: CallToolInput): Promise<Record<string, unknown>> {
    if (this.local?.has(input.name)) {
      return this.local.run(input.name, input.arguments ?? {}, {
        caller: input.caller, meta: toolMeta(input.meta), signal: input.signal, onProgress: input.onProgress, ...(input.onLog ? { onLog: input.onLog } : {}),
      }).catch((err: unknown) => {
        // As for node tools: arguments that fail the schema are a tool error the model can read and correct.
        if (err instanceof PimcpError && err.code === ErrorCode.InvalidArguments) return { isError: true, content: [{ type: 'text', text: err.message }] };
        throw toProtocolError(err, 'gateway', input.name);
      });
    }
    const tool = this.catalog.resolve(input.name);
    if (!tool) {
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown tool "${input.name.slice(0, 200)}"; call tools/list for the tools this gateway offers`);
    }
    const args = input.arguments ?? {};
    const problems = this.validator.problems(tool.definition, args);
    if (problems.length > 0) {
      // A tool-level error (not a protocol error) so a model can read it and correct its call.
      return { isError: true, content: [{ type: 'text', text: `Invalid arguments for ${input.name}: ${problems.join('; ')}` }] };
    }
    const provider = this.picker.pick(tool.providers);
    if (!provider) {
      throw new ProtocolError(ProtocolErrorCode.InternalError, `No node can run ${input.name} now: every node offering it is draining; retry later`, {
        code: 'NODE_UNAVAILABLE', retryable: true,
      });
    }
    const release = this.picker.track(provider);
    const requestId = randomUUID();
    try {
      return await this.invoker.invoke(provider, {
        requestId,
        tool: tool.capabilityName,
        arguments: args,
        deadline: Date.now() + this.callTimeoutMs,
        caller: input.caller,
        meta: toolMeta(input.meta),
      }, { signal: input.signal, onProgress: input.onProgress, ...(input.onLog ? { onLog: input.onLog } : {}) });
    } catch (err) {
      throw toProtocolError(err, provider.nodeId, input.name);
    } finally {
      release();
    }
  }
}

function toolMeta(meta: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!meta) return undefined;
  const kept = Object.entries(meta).filter(([key]) => !HOP_META.test(key));
  return kept.length > 0 ? Object.fromEntries(kept) : undefined;
}

function toProtocolError(err: unknown, nodeId: string, tool: string): ProtocolError {
  if (err instanceof ProtocolError) return err;
  if (err instanceof PimcpError) {
    return new ProtocolError(ProtocolErrorCode.InternalError, `${tool} failed on node ${nodeId}: ${err.message}`, {
      code: err.code, nodeId, retryable: err.retryable,
    });
  }
  return new ProtocolError(ProtocolErrorCode.InternalError, `${tool} failed on node ${nodeId}`, { code: 'INTERNAL', nodeId });
}
