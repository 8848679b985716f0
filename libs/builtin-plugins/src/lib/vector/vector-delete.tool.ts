import { defineTool, textResult, type ToolDefinition } from '@pimcp/plugin-sdk';
import type { VectorConfig } from './vector.config';
import { MAX_ID_CHARS } from './vector-index';
import type { VectorIndexes } from './vector-indexes';
import { describeIndexes } from './vector-search.tool';

interface VectorDeleteArgs extends Record<string, unknown> {
  index: string;
  ids: string[];
}

/** Removes vectors by id; ids that are not stored are listed as missing, not refused. */
export function vectorDeleteTool(config: VectorConfig, indexes: VectorIndexes): ToolDefinition {
  return defineTool<VectorDeleteArgs>({
    name: 'vector.delete',
    description: `Delete vectors by id from a writable vector index of this node (at most ${config.maxBatch} ids per call). ` +
      `Writable indexes: ${describeIndexes(indexes, (ro) => !ro)}.`,
    inputSchema: {
      type: 'object',
      properties: {
        index: { type: 'string', minLength: 1, maxLength: 64 },
        ids: { type: 'array', minItems: 1, maxItems: config.maxBatch, items: { type: 'string', minLength: 1, maxLength: MAX_ID_CHARS } },
      },
      required: ['index', 'ids'],
      additionalProperties: false,
    },
    outputSchema: {
      type: 'object',
      properties: {
        index: { type: 'string' },
        deleted: { type: 'array', items: { type: 'string' } },
        missing: { type: 'array', items: { type: 'string' }, description: 'Ids that were not in the index.' },
        count: { type: 'integer', description: 'Vectors in the index now.' },
      },
      required: ['index', 'deleted', 'missing', 'count'],
    },
    annotations: { title: 'Delete vectors', readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    version: '1.0.0',
    costClass: 'light',
    handler: async (args, ctx) => indexes.run(args.index, true, ctx.signal, async (index, entry) => {
      const { deleted, missing } = await index.delete(args.ids);
      return textResult(`vector index "${entry.name}": ${deleted.length} deleted, ${missing.length} not found, ${index.size} left`, {
        index: entry.name, deleted, missing, count: index.size,
      });
    }),
  });
}
