import { defineTool, type ToolDefinition } from '@pimcp/plugin-sdk';
import { FANOUT_LIMITS, type FanOutUseCase, fanOutToolResult } from './fan-out.usecase';

/**
 * `cluster.map`: one tool run on every node matching a selector, for a model that wants work done across a fleet
 * (read a sensor on every board in region=tokyo, preprocess a batch on every GPU node). Same engine as
 * `_meta["io.pimcp/fanout"]`.
 */
export function clusterMapTool(fanOut: FanOutUseCase, maxTimeoutMs: number): ToolDefinition {
  return defineTool<{ tool: string; arguments?: Record<string, unknown>; selector?: string; concurrency?: number; timeoutMs?: number }>({
    name: 'cluster.map', version: '1.0.0', costClass: 'standard',
    annotations: { title: 'Run a tool on many nodes', openWorldHint: true },
    description: 'Runs one tool on every node that offers it and matches a label selector (e.g. "region=tokyo", "tier=edge,gpu=true"), '
      + 'and returns each node\'s result and each failure by node. Use tools/list to see the tools; node labels appear in selector errors.',
    inputSchema: {
      type: 'object',
      properties: {
        tool: { type: 'string', minLength: 1, maxLength: 256, description: 'The tool to run on each node, e.g. "system.info".' },
        arguments: { type: 'object', description: 'Arguments for every call.' },
        selector: { type: 'string', maxLength: 1024, description: 'Label selector; empty: every node offering the tool.' },
        concurrency: { type: 'integer', minimum: 1, maximum: FANOUT_LIMITS.maxConcurrency },
        timeoutMs: { type: 'integer', minimum: 100, maximum: maxTimeoutMs, description: 'Overall deadline; slower nodes are reported as failed.' },
      },
      required: ['tool'],
      additionalProperties: false,
    },
    handler: async (args, ctx) => fanOutToolResult(await fanOut.execute({
      tool: args.tool,
      arguments: args.arguments ?? {},
      selector: args.selector ?? '',
      ...(args.concurrency !== undefined ? { concurrency: args.concurrency } : {}),
      deadline: Math.min(ctx.deadline, Date.now() + (args.timeoutMs ?? maxTimeoutMs)),
      caller: ctx.caller,
      meta: Object.keys(ctx.meta).length > 0 ? { ...ctx.meta } : undefined,
      signal: ctx.signal,
      onProgress: (event) => ctx.progress(event.progress, event.total),
    })),
  });
}
