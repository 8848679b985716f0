import { defineTool, textResult, type ToolDefinition } from '@pimcp/plugin-sdk';
import type { VectorConfig } from './vector.config';
import { MAX_ID_CHARS } from './vector-index';
import type { VectorIndexes } from './vector-indexes';
import { describeIndexes } from './vector-search.tool';

interface VectorAddArgs extends Record<string, unknown> {
  index: string;
  items: Array<{ id: string; vector: number[]; metadata?: Record<string, unknown> }>;
}

/** Adds vectors, or replaces those whose id is already stored; durable when the call returns. */
export function vectorAddTool(config: VectorConfig, indexes: VectorIndexes): ToolDefinition {
  const maxDimensions = Math.max(...indexes.entries.map((e) => e.dimensions));
  return defineTool<VectorAddArgs>({
    name: 'vector.add',
    description: `Add vectors to a writable vector index of this node (at most ${config.maxBatch} per call), each with a string id and optional ` +
      `JSON metadata (at most ${config.maxMetadataBytes} bytes). A vector whose id is already stored replaces it. Writable indexes: ${describeIndexes(indexes, (ro) => !ro)}.`,
    inputSchema: {
      type: 'object',
      properties: {
        index: { type: 'string', minLength: 1, maxLength: 64 },
        items: {
          type: 'array', minItems: 1, maxItems: config.maxBatch,
          items: {
            type: 'object',
            properties: {
              id: { type: 'string', minLength: 1, maxLength: MAX_ID_CHARS },
              vector: { type: 'array', minItems: 1, maxItems: maxDimensions, items: { type: 'number' } },
              metadata: { type: 'object', maxProperties: 64, description: 'Returned with search results.' },
            },
            required: ['id', 'vector'],
            additionalProperties: false,
          },
        },
      },
      required: ['index', 'items'],
      additionalProperties: false,
    },
    outputSchema: {
      type: 'object',
      properties: {
        index: { type: 'string' },
        added: { type: 'integer' },
        replaced: { type: 'integer' },
        count: { type: 'integer', description: 'Vectors in the index now.' },
      },
      required: ['index', 'added', 'replaced', 'count'],
    },
    annotations: { title: 'Add vectors', readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    version: '1.0.0',
    costClass: 'light',
    handler: async (args, ctx) => indexes.run(args.index, true, ctx.signal, async (index, entry) => {
      const items = args.items.map((item) => ({ id: item.id, vector: item.vector, metadata: item.metadata === undefined ? undefined : JSON.stringify(item.metadata) }));
      const { added, replaced } = await index.add(items);
      return textResult(`vector index "${entry.name}": ${added} added, ${replaced} replaced, ${index.size} in all`, { index: entry.name, added, replaced, count: index.size });
    }),
  });
}
