import { defineTool, type ToolDefinition } from '@pimcp/plugin-sdk';
import type { VectorConfig } from './vector.config';
import type { VectorIndexes } from './vector-indexes';

interface VectorSearchArgs extends Record<string, unknown> {
  index: string;
  vector: number[];
  k?: number;
  includeMetadata?: boolean;
}

/** k nearest neighbours by cosine similarity, exact (brute force over every stored vector). */
export function vectorSearchTool(config: VectorConfig, indexes: VectorIndexes): ToolDefinition {
  const maxDimensions = Math.max(...indexes.entries.map((e) => e.dimensions));
  return defineTool<VectorSearchArgs>({
    name: 'vector.search',
    description: `Find the stored vectors most similar to a query vector (cosine similarity, exact search) in a vector index of this node. ` +
      `Returns ids, scores (1 = same direction) and metadata, best first. Indexes: ${describeIndexes(indexes)}.`,
    inputSchema: {
      type: 'object',
      properties: {
        index: { type: 'string', minLength: 1, maxLength: 64, description: `One of: ${indexes.names.join(', ')}.` },
        vector: { type: 'array', minItems: 1, maxItems: maxDimensions, items: { type: 'number' }, description: "The query; exactly the index's dimensions." },
        k: { type: 'integer', minimum: 1, maximum: config.maxK, default: Math.min(10, config.maxK), description: 'How many neighbours to return.' },
        includeMetadata: { type: 'boolean', default: true },
      },
      required: ['index', 'vector'],
      additionalProperties: false,
    },
    outputSchema: {
      type: 'object',
      properties: {
        index: { type: 'string' },
        results: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              id: { type: 'string' },
              score: { type: 'number', description: 'Cosine similarity, -1 to 1.' },
              distance: { type: 'number', description: 'Cosine distance: 1 - score.' },
              metadata: { type: 'object' },
            },
            required: ['id', 'score', 'distance'],
          },
        },
        searched: { type: 'integer', description: 'How many vectors the index holds (all were compared).' },
        durationMs: { type: 'integer' },
      },
      required: ['index', 'results', 'searched', 'durationMs'],
    },
    annotations: { title: 'Search a vector index', readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    version: '1.0.0',
    costClass: 'standard',
    handler: async (args, ctx) => {
      const started = performance.now();
      return indexes.run(args.index, false, ctx.signal, async (index, entry) => {
        const found = await index.search(args.vector, Math.min(args.k ?? 10, config.maxK), ctx.signal);
        const results = found.map((n) => ({
          id: n.id, score: n.score, distance: 1 - n.score,
          ...(args.includeMetadata !== false && n.metadata !== undefined ? { metadata: JSON.parse(n.metadata) as Record<string, unknown> } : {}),
        }));
        const lines = results.map((r, i) => `${i + 1}. ${r.id}  score ${r.score.toFixed(4)}${r.metadata ? `  ${JSON.stringify(r.metadata)}` : ''}`);
        return {
          content: [{ type: 'text', text: lines.join('\n') || `vector index "${entry.name}" is empty` }],
          structuredContent: { index: entry.name, results, searched: index.size, durationMs: Math.round(performance.now() - started) },
        };
      });
    },
  });
}

/** `notes (384 dimensions, read-write)` for tool descriptions. */
export function describeIndexes(indexes: VectorIndexes, filter: (readOnly: boolean) => boolean = () => true): string {
  return indexes.entries.filter((e) => filter(e.readOnly)).slice(0, 40)
    .map((e) => `${e.name} (${e.dimensions} dimensions, ${e.readOnly ? 'read-only' : 'read-write'})`).join('; ');
}
