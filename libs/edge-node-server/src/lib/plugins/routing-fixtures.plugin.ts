import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { defineTool, type PluginContents, type ToolContext } from '@pimcp/plugin-sdk';
import { ErrorCode, PimcpError } from '@pimcp/protocol';

export interface RoutingFixturesConfig {
  /** Extra time each call of work.read and work.append takes on this node (a slow node). */
  delayMs?: number;
  /** Every `jitterEvery`-th work.read on this node takes `jitterMs` more (tail latency, for hedging). */
  jitterEvery?: number;
  jitterMs?: number;
}

/**
 * Workloads for routing tests and benchmarks, each answering with the node that ran it. Real work, not sleeps,
 * where the point is cost: work.compress gzips its input (heavy, offloadable), work.hash hashes it (light,
 * offloadable). Enabled with PIMCP_NODE_PLUGINS=routing-fixtures.
 */
export function routingFixtures(nodeId: string, config: RoutingFixturesConfig = {}): PluginContents {
  const delayMs = Math.max(0, Math.min(60_000, Number(config.delayMs ?? 0)));
  const jitterEvery = Math.max(0, Math.floor(Number(config.jitterEvery ?? 0)));
  const jitterMs = Math.max(0, Math.min(60_000, Number(config.jitterMs ?? 0)));
  const counts = { read: 0, append: 0 };
  let flapping = false;
  const data = { type: 'object', properties: { data: { type: 'string', maxLength: 64 * 1024 * 1024 } }, required: ['data'], additionalProperties: false };
  const none = { type: 'object', properties: {}, additionalProperties: false };
  return {
    tools: [
      defineTool<{ data: string }>({
        name: 'work.compress', version: '1.0.0', costClass: 'heavy', offloadable: true, annotations: { readOnlyHint: true },
        description: 'Gzips the input (level 9) and reports sizes and the digest of the output.', inputSchema: data,
        handler: async ({ data: input }) => {
          const output = gzipSync(Buffer.from(input), { level: 9 });
          const structured = { nodeId, inputBytes: Buffer.byteLength(input), outputBytes: output.length, sha256: createHash('sha256').update(output).digest('hex') };
          return { content: [{ type: 'text', text: JSON.stringify(structured) }], structuredContent: structured };
        },
      }),
      defineTool<{ data: string }>({
        name: 'work.hash', version: '1.0.0', costClass: 'light', offloadable: true, annotations: { readOnlyHint: true },
        description: 'SHA-256 of the input.', inputSchema: data,
        handler: async ({ data: input }) => {
          const structured = { nodeId, inputBytes: Buffer.byteLength(input), sha256: createHash('sha256').update(input).digest('hex') };
          return { content: [{ type: 'text', text: JSON.stringify(structured) }], structuredContent: structured };
        },
      }),
      defineTool({
        name: 'work.read', version: '1.0.0', costClass: 'light', annotations: { readOnlyHint: true, idempotentHint: true },
        description: 'A read-only call that takes delayMs on this node.', inputSchema: none,
        handler: async (_args, ctx) => {
          // A flapping node fails as a node whose link or runtime is in trouble would (retryable, counts against its circuit).
          if (flapping) throw new PimcpError(ErrorCode.NodeUnavailable, `${nodeId} is flapping`);
          counts.read += 1;
          await pause(delayMs + (jitterEvery > 0 && counts.read % jitterEvery === 0 ? jitterMs : 0), ctx);
          return { content: [{ type: 'text', text: nodeId }], structuredContent: { nodeId } };
        },
      }),
      defineTool({
        name: 'work.append', version: '1.0.0', costClass: 'light', annotations: { readOnlyHint: false, idempotentHint: false, destructiveHint: false },
        description: 'A call with side effects (it counts itself on this node) that takes delayMs.', inputSchema: none,
        handler: async (_args, ctx) => {
          counts.append += 1;
          ctx.logger.log(`work.append started on ${nodeId}`);
          await pause(delayMs, ctx);
          return { content: [{ type: 'text', text: nodeId }], structuredContent: { nodeId } };
        },
      }),
      defineTool<{ failing: boolean }>({
        name: 'work.flap', version: '1.0.0', costClass: 'light', annotations: { idempotentHint: true },
        description: 'Makes this node\'s work.read fail (failing: true) or work again (false), to test circuit breakers.',
        inputSchema: { type: 'object', properties: { failing: { type: 'boolean' } }, required: ['failing'], additionalProperties: false },
        handler: async ({ failing }) => {
          flapping = failing;
          return { content: [{ type: 'text', text: `${nodeId} flapping: ${failing}` }], structuredContent: { nodeId, flapping } };
        },
      }),
      defineTool({
        name: 'work.counts', version: '1.0.0', costClass: 'light', annotations: { readOnlyHint: true },
        description: 'How many work.read and work.append calls this node has run.', inputSchema: none,
        handler: async () => ({ content: [{ type: 'text', text: JSON.stringify(counts) }], structuredContent: { nodeId, ...counts } }),
      }),
    ],
  };
}

function pause(ms: number, ctx: ToolContext): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    ctx.signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(ctx.signal.reason);
    }, { once: true });
  });
}
