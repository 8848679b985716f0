import type { PluginContents } from '@pimcp/plugin-sdk';
import { DirectoryObjectStore } from './directory-object.store';
import type { ObjectStore } from './object-store';
import type { OpenStore } from './storage-call';
import { storageDeleteTool } from './storage-delete.tool';
import { storageGetTool } from './storage-get.tool';
import { storageListTool } from './storage-list.tool';
import { storagePutTool } from './storage-put.tool';
import type { S3StoreEntry, StorageConfig } from './storage.config';

/** The storage tools, and `close()` to release the S3 clients' connections when the node stops. */
export interface StoragePlugin extends PluginContents {
  close(): void;
}

/**
 * The `storage` plugin: storage.get and storage.list over the named stores, plus storage.put and
 * storage.delete when at least one store is writable. With no store it offers nothing (deny by default).
 */
export function storagePlugin(config: StorageConfig): StoragePlugin {
  const stores = new Map<string, OpenStore>();
  for (const entry of config.stores.values()) {
    stores.set(entry.name, { entry, objects: entry.kind === 'directory' ? new DirectoryObjectStore(entry) : openS3Store(entry) });
  }
  const close = () => stores.forEach((store) => store.objects.close());
  if (stores.size === 0) return { tools: [], close };
  const writable = [...stores.values()].some((store) => !store.entry.readOnly);
  return {
    tools: [
      storageGetTool(config, stores), storageListTool(config, stores),
      ...(writable ? [storagePutTool(config, stores), storageDeleteTool(config, stores)] : []),
    ],
    close,
  };
}

/** Required on demand: the AWS SDK costs megabytes of memory that a node with directory stores only never needs (ADR 0018). */
function openS3Store(entry: S3StoreEntry): ObjectStore {
  const { S3ObjectStore } = require('./s3-object.store') as typeof import('./s3-object.store');
  return new S3ObjectStore(entry);
}
