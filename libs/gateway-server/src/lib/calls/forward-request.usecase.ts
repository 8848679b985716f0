import { randomUUID } from 'node:crypto';
import { ProtocolError, ProtocolErrorCode, ResourceNotFoundError } from '@modelcontextprotocol/server';
import { type CallerIdentity, ErrorCode, type NodeRequestMethod, PimcpError } from '@pimcp/protocol';
import type { NodeInvoker } from './node-invoker.port';
import type { ProviderPicker } from './provider-picker';
import type { ToolProvider } from './tool-catalog.port';

export interface ForwardInput {
  method: NodeRequestMethod;
  params: Record<string, unknown>;
  /** The nodes that serve what the request names; empty when none does. */
  providers: readonly ToolProvider[];
  /** Names the target in errors: a URI or a prompt name. */
  target: string;
  caller: CallerIdentity;
  signal: AbortSignal;
}

/** PimcpError codes from a node that are the caller's mistake, as JSON-RPC errors. */
const CALLER_ERRORS: Partial<Record<ErrorCode, ProtocolErrorCode>> = {
  [ErrorCode.PromptUnknown]: ProtocolErrorCode.InvalidParams,
  [ErrorCode.InvalidArguments]: ProtocolErrorCode.InvalidParams,
  [ErrorCode.InvalidRequest]: ProtocolErrorCode.InvalidParams,
};

/**
 * resources/read, prompts/get and completion/complete: pick one of the nodes that serve the target,
 * forward with a deadline, and map failures to errors a client can act on. Never forwards the client's token.
 */
export class ForwardRequestUseCase {
  constructor(
    private readonly picker: ProviderPicker,
    private readonly invoker: NodeInvoker,
    private readonly timeoutMs: number,
  ) {}

  async execute(input: ForwardInput): Promise<Record<string, unknown>> {
    const provider = this.picker.pick(input.providers);
    if (!provider) {
      throw new ProtocolError(ProtocolErrorCode.InternalError, `No node can serve ${input.target.slice(0, 200)} now: every node offering it is draining; retry later`, {
        code: ErrorCode.NodeUnavailable, retryable: true,
      });
    }
    const release = this.picker.track(provider);
    try {
      return await this.invoker.request(provider, {
        requestId: randomUUID(),
        method: input.method,
        params: input.params,
        deadline: Date.now() + this.timeoutMs,
        caller: input.caller,
      }, { signal: input.signal });
    } catch (err) {
      throw toProtocolError(err, provider.nodeId, input);
    } finally {
      release();
    }
  }
}

function toProtocolError(err: unknown, nodeId: string, { method, params }: ForwardInput): ProtocolError {
  if (err instanceof ProtocolError) return err;
  // The node listed the URI (or a template matching it) but could not find it when asked.
  if (err instanceof PimcpError && err.code === ErrorCode.ResourceUnknown) return new ResourceNotFoundError(String(params['uri']), err.message);
  if (err instanceof PimcpError) {
    const callerCode = CALLER_ERRORS[err.code as ErrorCode];
    if (callerCode !== undefined) return new ProtocolError(callerCode, err.message, { code: err.code, nodeId });
    return new ProtocolError(ProtocolErrorCode.InternalError, `${method} failed on node ${nodeId}: ${err.message}`, {
      code: err.code, nodeId, retryable: err.retryable,
    });
  }
  return new ProtocolError(ProtocolErrorCode.InternalError, `${method} failed on node ${nodeId}`, { code: ErrorCode.Internal, nodeId });
}
