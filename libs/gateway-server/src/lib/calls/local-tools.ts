import { randomUUID } from 'node:crypto';
import { type ContextHandle, runTool, toCapabilityDefinition, type ToolDefinition, type ToolResult } from '@pimcp/plugin-sdk';
import { callContextId, type CallerIdentity, ErrorCode, type LogEvent, PimcpError, type ProgressEvent } from '@pimcp/protocol';
import type { ListedTool } from './tool-catalog.port';

export interface LocalRunInput {
  caller: CallerIdentity;
  meta: Record<string, unknown> | undefined;
  signal: AbortSignal;
  onProgress(event: ProgressEvent): void;
  onLog?(event: LogEvent): void;
}

/**
 * Tools the gateway serves itself (the shared-context tools): listed with the federated ones, run here with the
 * same SDK runner the nodes use. Their names are reserved: a node tool of the same name is shadowed.
 */
export class LocalTools {
  private readonly byName = new Map<string, ToolDefinition>();

  constructor(
    tools: readonly ToolDefinition[],
    private readonly contexts: (contextId: string) => ContextHandle,
    private readonly timeoutMs: number,
  ) {
    for (const tool of tools) this.byName.set(tool.name, tool);
  }

  list(): ListedTool[] {
    return [...this.byName.values()].map((tool) => ({ name: tool.name, definition: toCapabilityDefinition(tool) }));
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  async run(name: string, args: Record<string, unknown>, input: LocalRunInput): Promise<ToolResult> {
    const tool = this.byName.get(name);
    if (!tool) throw new PimcpError(ErrorCode.ToolUnknown, `the gateway has no tool "${name.slice(0, 100)}"`);
    const deadline = Date.now() + this.timeoutMs;
    const signal = AbortSignal.any([input.signal, AbortSignal.timeout(this.timeoutMs)]);
    const relay = (level: LogEvent['level']) => (message: string) => input.onLog?.({ type: 'log', level, logger: name, data: String(message) });
    return runTool(tool, args, {
      signal,
      requestId: randomUUID(),
      caller: input.caller,
      deadline,
      meta: input.meta ?? {},
      context: this.contexts(callContextId(input.meta, input.caller)),
      logger: { log: relay('info'), warn: relay('warning'), error: relay('error') },
      progress: (progress, total, message) => input.onProgress({ type: 'progress', progress, ...(total !== undefined ? { total } : {}), ...(message ? { message } : {}) }),
    });
  }
}
