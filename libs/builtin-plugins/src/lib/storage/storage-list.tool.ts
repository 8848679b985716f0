import { defineTool, textResult, ToolError, type ToolDefinition } from '@pimcp/plugin-sdk';
import { keyBoundRefusal, MAX_KEY_CHARS } from './object-key';
import { describeStores, type OpenStores, storeCall, storeOf } from './storage-call';
import type { StorageConfig } from './storage.config';

interface StorageListArgs extends Record<string, unknown> {
  store: string;
  prefix?: string;
  startAfter?: string;
  maxKeys?: number;
}

/** Lists keys in ascending order, one page per call; a truncated page names where the next one starts. */
export function storageListTool(config: StorageConfig, stores: OpenStores): ToolDefinition {
  const maxKeys = Math.max(...[...stores.values()].map((s) => s.entry.maxListKeys));
  return defineTool<StorageListArgs>({
    name: 'storage.list',
    description: `List object keys (with sizes) in a store of this node, in ascending order, optionally under a prefix such as "reports/2024/". ` +
      `When the answer is truncated, call again with startAfter set to nextStartAfter. Stores: ${describeStores(stores)}.`,
    inputSchema: {
      type: 'object',
      properties: {
        store: { type: 'string', minLength: 1, maxLength: 64, description: `One of: ${[...stores.keys()].join(', ')}.` },
        prefix: { type: 'string', maxLength: MAX_KEY_CHARS, description: 'Only keys starting with this.' },
        startAfter: { type: 'string', maxLength: MAX_KEY_CHARS, description: 'Only keys after this one (nextStartAfter of the previous page).' },
        maxKeys: { type: 'integer', minimum: 1, maximum: maxKeys, description: "At most this many keys (default and cap: the store's maxListKeys)." },
      },
      required: ['store'],
      additionalProperties: false,
    },
    outputSchema: {
      type: 'object',
      properties: {
        store: { type: 'string' },
        objects: {
          type: 'array',
          items: {
            type: 'object',
            properties: { key: { type: 'string' }, size: { type: 'integer' }, lastModified: { type: 'string' } },
            required: ['key', 'size'],
          },
        },
        truncated: { type: 'boolean', description: 'More keys follow; ask again with startAfter = nextStartAfter.' },
        nextStartAfter: { type: 'string' },
      },
      required: ['store', 'objects', 'truncated'],
    },
    annotations: { title: 'List objects', readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    version: '1.0.0',
    costClass: 'light',
    handler: async (args, ctx) => {
      const store = storeOf(stores, args.store);
      const prefix = args.prefix ?? '';
      const startAfter = args.startAfter ?? '';
      const refusal = keyBoundRefusal('prefix', prefix) ?? keyBoundRefusal('startAfter', startAfter);
      if (refusal) throw new ToolError(refusal);
      const pageSize = Math.min(args.maxKeys ?? store.entry.maxListKeys, store.entry.maxListKeys);
      const listing = await storeCall(config, ctx, store, (signal) => store.objects.list({ prefix, startAfter, maxKeys: pageSize }, signal));
      const last = listing.objects.at(-1)?.key;
      const lines = listing.objects.map((o) => `${o.key}\t${o.size}`);
      const more = listing.truncated && last !== undefined ? `\n[more keys follow; ask again with startAfter "${last}"]` : '';
      return textResult(`${lines.join('\n') || `no objects${prefix ? ` under "${prefix}"` : ''} in store "${store.entry.name}"`}${more}`, {
        store: store.entry.name, objects: listing.objects.map((o) => ({ ...o })), truncated: listing.truncated,
        ...(listing.truncated && last !== undefined ? { nextStartAfter: last } : {}),
      });
    },
  });
}
