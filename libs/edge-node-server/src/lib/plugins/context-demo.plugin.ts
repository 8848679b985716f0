import { defineTool, type PluginContents } from '@pimcp/plugin-sdk';

const keySchema = { type: 'string', minLength: 1, maxLength: 512 };

/**
 * Two tools that use the call's shared context (`ctx.context`), to show and test that work continues across
 * nodes: remember on one node, recall on another. Enabled with PIMCP_NODE_PLUGINS=context-demo.
 */
export function contextDemo(): PluginContents {
  return {
    tools: [
      defineTool<{ key: string; value: unknown }>({
        name: 'demo.remember', version: '1.0.0', costClass: 'light', annotations: { idempotentHint: true },
        description: 'Stores a value under a key in the shared context of this call (_meta "io.pimcp/context").',
        inputSchema: { type: 'object', properties: { key: keySchema, value: {} }, required: ['key', 'value'], additionalProperties: false },
        handler: async ({ key, value }, ctx) => {
          const { revision } = await ctx.context.put(key, value);
          return { content: [{ type: 'text', text: `remembered ${key} in ${ctx.context.id} at revision ${revision}` }], structuredContent: { context: ctx.context.id, key, revision } };
        },
      }),
      defineTool<{ key: string }>({
        name: 'demo.recall', version: '1.0.0', costClass: 'light', annotations: { readOnlyHint: true },
        description: 'Reads a value from the shared context of this call, from this node\'s local replica.',
        inputSchema: { type: 'object', properties: { key: keySchema }, required: ['key'], additionalProperties: false },
        handler: async ({ key }, ctx) => {
          const found = await ctx.context.get(key);
          const structured = { context: ctx.context.id, key, found: found !== undefined, value: found?.value ?? null, revision: found?.revision ?? 0 };
          return { content: [{ type: 'text', text: JSON.stringify(structured) }], structuredContent: structured };
        },
      }),
    ],
  };
}
