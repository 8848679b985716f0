import { defineTool, textResult, ToolError, type ToolDefinition } from '@pimcp/plugin-sdk';
import { MAX_KEY_CHARS } from './object-key';
import { checkedKey, describeStores, type OpenStores, storeCall, storeOf } from './storage-call';
import type { StorageConfig } from './storage.config';

interface StoragePutArgs extends Record<string, unknown> {
  store: string;
  key: string;
  content: string;
  encoding?: 'utf8' | 'base64';
}

// Canonical base64 only: Buffer.from(.., 'base64') would silently skip stray characters and store other bytes.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Writes one object whole, replacing any object under the key; only on stores with readOnly: false. */
export function storagePutTool(config: StorageConfig, stores: OpenStores): ToolDefinition {
  const writable = [...stores.values()].filter((s) => !s.entry.readOnly);
  const maxBytes = Math.max(...writable.map((s) => s.entry.maxObjectBytes));
  return defineTool<StoragePutArgs>({
    name: 'storage.put',
    description: `Write one object to a writable store of this node, replacing any object with the same key. Give the content as UTF-8 text, ` +
      `or as base64 with encoding "base64" for binary data. Writable stores: ${describeStores(stores, (e) => !e.readOnly)}.`,
    inputSchema: {
      type: 'object',
      properties: {
        store: { type: 'string', minLength: 1, maxLength: 64, description: `One of: ${writable.map((s) => s.entry.name).join(', ')}.` },
        key: { type: 'string', minLength: 1, maxLength: MAX_KEY_CHARS, description: 'Object key, e.g. reports/2024/06.csv (letters, digits, ".", "_", "-", "/").' },
        content: { type: 'string', maxLength: Math.ceil(maxBytes / 3) * 4, description: "The object's bytes: text, or base64 when encoding is base64." },
        encoding: { type: 'string', enum: ['utf8', 'base64'], default: 'utf8' },
      },
      required: ['store', 'key', 'content'],
      additionalProperties: false,
    },
    outputSchema: {
      type: 'object',
      properties: { store: { type: 'string' }, key: { type: 'string' }, bytes: { type: 'integer' }, etag: { type: 'string' } },
      required: ['store', 'key', 'bytes'],
    },
    annotations: { title: 'Write an object', readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    version: '1.0.0',
    costClass: 'light',
    handler: async (args, ctx) => {
      const store = storeOf(stores, args.store, true);
      const key = checkedKey(args.key);
      const data = decode(args);
      if (data.length > store.entry.maxObjectBytes) {
        throw new ToolError(`the content is ${data.length} bytes; store "${store.entry.name}" takes objects of at most ${store.entry.maxObjectBytes} bytes. Nothing was written.`);
      }
      const written = await storeCall(config, ctx, store, (signal) => store.objects.put(key, data, signal));
      return textResult(`wrote ${data.length} bytes to "${key}" in store "${store.entry.name}"`, {
        store: store.entry.name, key, bytes: data.length, ...(written.etag ? { etag: written.etag } : {}),
      });
    },
  });
}

function decode(args: StoragePutArgs): Buffer {
  if (args.encoding !== 'base64') return Buffer.from(args.content, 'utf8');
  if (!BASE64.test(args.content)) throw new ToolError('content is not valid base64 (A-Z, a-z, 0-9, "+", "/", padded with "=" to a multiple of 4 characters)');
  return Buffer.from(args.content, 'base64');
}
