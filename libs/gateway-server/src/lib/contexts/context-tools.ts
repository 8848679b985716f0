import { ContextStoreException, type ContextStore, type JsonValue } from '@pimcp/context-store';
import { defineTool, type ToolContext, type ToolDefinition, ToolError } from '@pimcp/plugin-sdk';
import { callContextId, ErrorCode } from '@pimcp/protocol';

const contextArg = {
  type: 'string', minLength: 1, maxLength: 128,
  description: 'The context to use; default: the one named in _meta["io.pimcp/context"], else this client\'s own.',
};
const keyArg = { type: 'string', minLength: 1, maxLength: 512 };

/**
 * `context.get`, `context.put`, `context.list`: the shared memory, for a model to use directly (issue 5).
 * Served by the gateway itself; the same contexts tools on nodes see through `ctx.context`.
 */
export function contextTools(store: ContextStore): ToolDefinition[] {
  const idOf = (args: { context?: string }, ctx: ToolContext) => args.context ?? callContextId(ctx.meta, ctx.caller);
  return [
    defineTool<{ key: string; context?: string }>({
      name: 'context.get', version: '1.0.0', costClass: 'light', annotations: { readOnlyHint: true, title: 'Read shared context' },
      description: 'Reads one key of a shared context that every node and client of this PiMCP cluster sees.',
      inputSchema: { type: 'object', properties: { key: keyArg, context: contextArg }, required: ['key'], additionalProperties: false },
      handler: async (args, ctx) => {
        const id = idOf(args, ctx);
        const found = await guarded(() => store.get(id, args.key));
        const structured = { context: id, key: args.key, found: found !== undefined, value: found?.value ?? null, revision: found?.revision ?? 0 };
        return { content: [{ type: 'text', text: JSON.stringify(structured) }], structuredContent: structured };
      },
    }),
    defineTool<{ key: string; value: unknown; context?: string; expectedRevision?: number; ttlSeconds?: number }>({
      name: 'context.put', version: '1.0.0', costClass: 'light', annotations: { idempotentHint: true, title: 'Write shared context' },
      description: 'Writes one key of a shared context. expectedRevision makes it a compare-and-set (0: the key must not exist).',
      inputSchema: {
        type: 'object',
        properties: {
          key: keyArg, value: {}, context: contextArg,
          expectedRevision: { type: 'integer', minimum: 0 }, ttlSeconds: { type: 'integer', minimum: 1, maximum: 31_536_000 },
        },
        required: ['key', 'value'], additionalProperties: false,
      },
      handler: async (args, ctx) => {
        const id = idOf(args, ctx);
        const { revision } = await guarded(() => store.put(id, args.key, args.value as JsonValue, {
          ...(args.expectedRevision !== undefined ? { expectedRevision: args.expectedRevision } : {}),
          ...(args.ttlSeconds !== undefined ? { ttlSeconds: args.ttlSeconds } : {}),
        }));
        const structured = { context: id, key: args.key, revision };
        return { content: [{ type: 'text', text: JSON.stringify(structured) }], structuredContent: structured };
      },
    }),
    defineTool<{ context?: string; prefix?: string; limit?: number; cursor?: string }>({
      name: 'context.list', version: '1.0.0', costClass: 'light', annotations: { readOnlyHint: true, title: 'List shared context' },
      description: 'Lists the keys and values of a shared context, a page at a time, optionally under a key prefix.',
      inputSchema: {
        type: 'object',
        properties: { context: contextArg, prefix: { type: 'string', maxLength: 512 }, limit: { type: 'integer', minimum: 1, maximum: 1000 }, cursor: { type: 'string', maxLength: 2048 } },
        additionalProperties: false,
      },
      handler: async (args, ctx) => {
        const id = idOf(args, ctx);
        const page = await guarded(() => store.list(id, {
          ...(args.prefix !== undefined ? { prefix: args.prefix } : {}), ...(args.limit !== undefined ? { limit: args.limit } : {}),
          ...(args.cursor !== undefined ? { cursor: args.cursor } : {}),
        }));
        const structured = { context: id, revision: page.revision, entries: page.entries, ...(page.cursor ? { cursor: page.cursor } : {}) };
        return { content: [{ type: 'text', text: JSON.stringify(structured) }], structuredContent: structured };
      },
    }),
  ];
}

/** The caller's mistakes (a lost compare-and-set, a bad key, a limit) are tool errors a model can read and fix. */
async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ContextStoreException && error.code === ErrorCode.InvalidRequest) throw new ToolError(error.message);
    throw error;
  }
}
