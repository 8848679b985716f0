import { defineTool, ToolError, type ToolDefinition, type ToolResult } from '@pimcp/plugin-sdk';
import { MAX_KEY_CHARS } from './object-key';
import type { StoredObject } from './object-store';
import { checkedKey, describeStores, type OpenStores, storeCall, storeOf } from './storage-call';
import type { StorageConfig } from './storage.config';

interface StorageGetArgs extends Record<string, unknown> {
  store: string;
  key: string;
  encoding?: 'utf8' | 'base64';
}

/** Reads one object whole, as text when it is valid UTF-8 (or asked so) and base64 otherwise. */
export function storageGetTool(config: StorageConfig, stores: OpenStores): ToolDefinition {
  return defineTool<StorageGetArgs>({
    name: 'storage.get',
    description: `Read one object from a store of this node. Content comes back as UTF-8 text when it is valid UTF-8, otherwise as base64 ` +
      `(force one with encoding). Objects over a store's size limit are refused. Stores: ${describeStores(stores)}.`,
    inputSchema: {
      type: 'object',
      properties: {
        store: { type: 'string', minLength: 1, maxLength: 64, description: `One of: ${[...stores.keys()].join(', ')}.` },
        key: { type: 'string', minLength: 1, maxLength: MAX_KEY_CHARS, description: 'Object key, e.g. reports/2024/06.csv (letters, digits, ".", "_", "-", "/").' },
        encoding: { type: 'string', enum: ['utf8', 'base64'], description: 'How to return the content; default: utf8 when the bytes are valid UTF-8, else base64.' },
      },
      required: ['store', 'key'],
      additionalProperties: false,
    },
    outputSchema: {
      type: 'object',
      properties: {
        store: { type: 'string' },
        key: { type: 'string' },
        content: { type: 'string' },
        encoding: { type: 'string', enum: ['utf8', 'base64'] },
        bytes: { type: 'integer' },
        lastModified: { type: 'string' },
        etag: { type: 'string' },
      },
      required: ['store', 'key', 'content', 'encoding', 'bytes'],
    },
    annotations: { title: 'Read an object', readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    version: '1.0.0',
    costClass: 'light',
    handler: async (args, ctx) => {
      const store = storeOf(stores, args.store);
      const key = checkedKey(args.key);
      const object = await storeCall(config, ctx, store, (signal) => store.objects.get(key, store.entry.maxObjectBytes, signal));
      return toResult(args, object);
    },
  });
}

function toResult(args: StorageGetArgs, object: StoredObject): ToolResult {
  const text = args.encoding === 'base64' ? undefined : asText(object.data);
  if (args.encoding === 'utf8' && text === undefined) {
    throw new ToolError(`object "${args.key}" is not valid UTF-8 text; ask again with encoding "base64"`);
  }
  const structured = {
    store: args.store, key: args.key, content: text ?? object.data.toString('base64'), encoding: text === undefined ? 'base64' : 'utf8', bytes: object.data.length,
    ...(object.lastModified ? { lastModified: object.lastModified } : {}), ...(object.etag ? { etag: object.etag } : {}),
  };
  const shown = text ?? `[${object.data.length} bytes of binary data; base64 in structuredContent.content]`;
  return { content: [{ type: 'text', text: shown }], structuredContent: structured };
}

function asText(data: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(data);
  } catch {
    return undefined;
  }
}
