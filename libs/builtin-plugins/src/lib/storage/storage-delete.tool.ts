import { defineTool, textResult, type ToolDefinition } from '@pimcp/plugin-sdk';
import { MAX_KEY_CHARS } from './object-key';
import { checkedKey, describeStores, type OpenStores, storeCall, storeOf } from './storage-call';
import type { StorageConfig } from './storage.config';

interface StorageDeleteArgs extends Record<string, unknown> {
  store: string;
  key: string;
}

/** Deletes one object; deleting a key that holds nothing is not an error (as in S3). */
export function storageDeleteTool(config: StorageConfig, stores: OpenStores): ToolDefinition {
  const writable = [...stores.values()].filter((s) => !s.entry.readOnly);
  return defineTool<StorageDeleteArgs>({
    name: 'storage.delete',
    description: `Delete one object from a writable store of this node. Deleting a missing key succeeds. Writable stores: ${describeStores(stores, (e) => !e.readOnly)}.`,
    inputSchema: {
      type: 'object',
      properties: {
        store: { type: 'string', minLength: 1, maxLength: 64, description: `One of: ${writable.map((s) => s.entry.name).join(', ')}.` },
        key: { type: 'string', minLength: 1, maxLength: MAX_KEY_CHARS },
      },
      required: ['store', 'key'],
      additionalProperties: false,
    },
    outputSchema: {
      type: 'object',
      properties: {
        store: { type: 'string' },
        key: { type: 'string' },
        existed: { type: 'boolean', description: 'Whether an object was there (directory stores only; S3 does not say).' },
      },
      required: ['store', 'key'],
    },
    annotations: { title: 'Delete an object', readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    version: '1.0.0',
    costClass: 'light',
    handler: async (args, ctx) => {
      const store = storeOf(stores, args.store, true);
      const key = checkedKey(args.key);
      const outcome = await storeCall(config, ctx, store, (signal) => store.objects.delete(key, signal));
      const what = outcome.existed === false ? 'there was no object' : 'deleted';
      return textResult(`${what}: "${key}" in store "${store.entry.name}"`, {
        store: store.entry.name, key, ...(outcome.existed !== undefined ? { existed: outcome.existed } : {}),
      });
    },
  });
}
