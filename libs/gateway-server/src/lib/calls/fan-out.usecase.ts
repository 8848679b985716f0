import { randomUUID } from 'node:crypto';
import { ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/server';
import { type CallerIdentity, PimcpError, type ProgressEvent } from '@pimcp/protocol';
import { LabelSelector } from '@pimcp/router';
import type { ArgumentValidator } from './argument-validator';
import type { NodeInvoker } from './node-invoker.port';
import type { ToolCatalog, ToolProvider } from './tool-catalog.port';

/** The `_meta` key that makes one tools/call run on every matching node (scatter-gather). */
export const FANOUT_META_KEY = 'io.pimcp/fanout';
export const FANOUT_LIMITS = { maxConcurrency: 64, defaultConcurrency: 8, maxNodes: 1000 } as const;

export interface FanOutRequest {
  tool: string;
  arguments: Record<string, unknown>;
  /** Label selector the nodes must match; empty: every node offering the tool. */
  selector: string;
  concurrency?: number;
  /** Overall deadline, epoch ms: calls still running then are cancelled and reported as failures. */
  deadline: number;
  caller: CallerIdentity;
  meta: Record<string, unknown> | undefined;
  signal: AbortSignal;
  onProgress: (event: ProgressEvent) => void;
}

export interface FanOutResult {
  tool: string;
  selector: string;
  nodes: number;
  results: Array<{ nodeId: string; result: Record<string, unknown> }>;
  failures: Array<{ nodeId: string; code: string; message: string }>;
}

/**
 * Scatter-gather: runs one tool on every live node that offers it and matches a selector, at most `concurrency` at
 * once, under one overall deadline, and reports each node's result or failure by name. A failure on one node never
 * hides the others' results; nothing is retried (each node is its own target).
 */
export class FanOutUseCase {
  constructor(
    private readonly catalog: ToolCatalog,
    private readonly validator: ArgumentValidator,
    private readonly invoker: NodeInvoker,
  ) {}

  async execute(request: FanOutRequest): Promise<FanOutResult> {
    const tool = this.catalog.resolve(request.tool);
    if (!tool) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown tool "${request.tool.slice(0, 200)}" to fan out; call tools/list`);
    const problems = this.validator.problems(tool.definition, request.arguments);
    if (problems.length > 0) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Invalid arguments for ${request.tool}: ${problems.join('; ')}`);
    const selector = parseSelector(request.selector);
    const nodes = tool.providers.filter((p) => !p.draining && (selector?.matches(p.labels ?? {}) ?? true));
    if (nodes.length === 0) {
      const offering = tool.providers.map((p) => `${p.nodeId}${describeLabels(p.labels)}`).join(', ');
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, `No live node offering ${request.tool} matches "${request.selector}" (nodes offering it: ${offering || 'none'})`);
    }
    if (nodes.length > FANOUT_LIMITS.maxNodes) {
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, `${nodes.length} nodes match "${request.selector}"; narrow the selector to at most ${FANOUT_LIMITS.maxNodes}`);
    }
    const concurrency = Math.min(FANOUT_LIMITS.maxConcurrency, Math.max(1, request.concurrency ?? FANOUT_LIMITS.defaultConcurrency));
    const deadlineSignal = AbortSignal.timeout(Math.max(1, request.deadline - Date.now()));
    const signal = AbortSignal.any([request.signal, deadlineSignal]);
    const outcome: FanOutResult = { tool: request.tool, selector: request.selector, nodes: nodes.length, results: [], failures: [] };
    let next = 0;
    const worker = async () => {
      while (next < nodes.length) {
        const node = nodes[next++] as ToolProvider;
        await this.runOne(tool.capabilityName, node, request, signal, outcome);
        request.onProgress({ type: 'progress', progress: outcome.results.length + outcome.failures.length, total: nodes.length });
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, nodes.length) }, worker));
    const byNode = (a: { nodeId: string }, b: { nodeId: string }) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0);
    outcome.results.sort(byNode);
    outcome.failures.sort(byNode);
    return outcome;
  }

  private async runOne(capability: string, node: ToolProvider, request: FanOutRequest, signal: AbortSignal, outcome: FanOutResult): Promise<void> {
    if (signal.aborted) {
      outcome.failures.push({ nodeId: node.nodeId, code: 'DEADLINE_EXCEEDED', message: `not started on ${node.nodeId}: the fan-out's deadline passed first` });
      return;
    }
    try {
      const result = await this.invoker.invoke(node, {
        requestId: randomUUID(), tool: capability, arguments: request.arguments, deadline: request.deadline, caller: request.caller,
        ...(request.meta ? { meta: request.meta } : {}),
      }, { signal, onProgress: () => undefined });
      outcome.results.push({ nodeId: node.nodeId, result });
    } catch (error) {
      const code = error instanceof PimcpError ? error.code : 'INTERNAL';
      const message = error instanceof Error ? error.message : String(error);
      outcome.failures.push({ nodeId: node.nodeId, code, message: `${node.nodeId}: ${message.slice(0, 500)}` });
    }
  }
}

/** A fan-out result as an MCP CallToolResult: per-node results and named failures, with a summary for models. */
export function fanOutToolResult(outcome: FanOutResult): Record<string, unknown> {
  const summary = `${outcome.tool} on ${outcome.nodes} node(s) matching "${outcome.selector}": ${outcome.results.length} succeeded`
    + (outcome.failures.length > 0 ? `, ${outcome.failures.length} failed (${outcome.failures.map((f) => `${f.nodeId}: ${f.code}`).join('; ')})` : '');
  return {
    content: [{ type: 'text', text: `${summary}\n${JSON.stringify(outcome)}` }],
    structuredContent: outcome as unknown as Record<string, unknown>,
    ...(outcome.results.length === 0 ? { isError: true } : {}),
  };
}

function parseSelector(text: string): LabelSelector | undefined {
  if (text.trim() === '') return undefined;
  const parsed = LabelSelector.tryParse(text);
  if (!parsed.ok) throw new ProtocolError(ProtocolErrorCode.InvalidParams, parsed.message);
  return parsed.selector;
}

function describeLabels(labels: Readonly<Record<string, string>> | undefined): string {
  const entries = Object.entries(labels ?? {}).filter(([k]) => k !== 'maxConcurrent' && k !== 'arch');
  return entries.length > 0 ? ` (${entries.map(([k, v]) => `${k}=${v}`).join(',')})` : '';
}
