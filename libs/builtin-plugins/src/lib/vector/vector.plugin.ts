import type { PluginContents } from '@pimcp/plugin-sdk';
import type { VectorConfig } from './vector.config';
import { vectorAddTool } from './vector-add.tool';
import { vectorDeleteTool } from './vector-delete.tool';
import { VectorIndexes } from './vector-indexes';
import { vectorSearchTool } from './vector-search.tool';

export interface VectorPluginDeps {
  /** Where to report a failed snapshot (the index keeps working on its log); default: process.emitWarning. */
  warn?: (message: string) => void;
}

/** The vector tools, plus the load and shutdown hooks a node may call. */
export interface VectorPlugin extends PluginContents {
  /** Resolves once every index has loaded; rejects naming each index that could not (torn or corrupt files). */
  ready(): Promise<void>;
  /** Finishes the change in progress and closes the index logs. */
  close(): Promise<void>;
}

/**
 * The `vector` plugin: vector.search over the configured indexes, plus vector.add and vector.delete when
 * at least one index is writable. With no index it offers nothing (deny by default). Indexes start
 * loading from disk at once; calls on an index wait for its load.
 */
export function vectorPlugin(config: VectorConfig, deps: VectorPluginDeps = {}): VectorPlugin {
  if (config.indexes.size === 0) return { tools: [], ready: async () => undefined, close: async () => undefined };
  const indexes = new VectorIndexes(config, deps.warn ?? ((message) => process.emitWarning(message)));
  const writable = indexes.entries.some((entry) => !entry.readOnly);
  return {
    tools: [vectorSearchTool(config, indexes), ...(writable ? [vectorAddTool(config, indexes), vectorDeleteTool(config, indexes)] : [])],
    ready: () => indexes.ready(),
    close: () => indexes.close(),
  };
}
