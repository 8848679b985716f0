import { basename } from 'node:path';
import { ToolError } from '@pimcp/plugin-sdk';
import { clip } from '../common/utf8-boundary';
import type { VectorConfig, VectorIndexEntry } from './vector.config';
import { VectorFileError } from './vector-file.error';
import { VectorIndex } from './vector-index';

interface Opening {
  readonly entry: VectorIndexEntry;
  readonly index: Promise<VectorIndex>;
}

/**
 * The configured indexes, each loading from disk from the moment the plugin is made, so the first call
 * does not pay for it. An index that fails to load stays refused (every call on it is a tool error that
 * says why) until the node restarts; the others work.
 */
export class VectorIndexes {
  private readonly indexes = new Map<string, Opening>();

  constructor(config: VectorConfig, onWarning: (message: string) => void) {
    for (const entry of config.indexes.values()) {
      const index = VectorIndex.open({
        path: entry.path, dimensions: entry.dimensions, maxVectors: entry.maxVectors, readOnly: entry.readOnly,
        compactLogBytes: config.compactLogBytes, maxMetadataBytes: config.maxMetadataBytes, onWarning,
      });
      index.catch(() => undefined); // reported by ready() and by every call on the index
      this.indexes.set(entry.name, { entry, index });
    }
  }

  get names(): string[] {
    return [...this.indexes.keys()];
  }

  get entries(): VectorIndexEntry[] {
    return [...this.indexes.values()].map((opening) => opening.entry);
  }

  /** The loaded index a call names; refuses unknown names, changes to read-only indexes and indexes that did not load. */
  async get(name: string, write = false): Promise<{ entry: VectorIndexEntry; index: VectorIndex }> {
    const opening = this.indexes.get(name);
    if (!opening) throw new ToolError(`no vector index named "${clip(name, 100)}" on this node; indexes: ${this.names.join(', ')}`);
    const { entry } = opening;
    if (write && entry.readOnly) {
      const writable = this.entries.filter((e) => !e.readOnly).map((e) => e.name);
      throw new ToolError(`vector index "${name}" is read-only on this node (readOnly is on); writable indexes: ${writable.join(', ') || 'none'}`);
    }
    try {
      return { entry, index: await opening.index };
    } catch (err) {
      throw new ToolError(refusal(entry, err));
    }
  }

  /**
   * Runs one call on a loaded index. Errors the caller can act on are ToolErrors already, and an aborted
   * call rejects with its signal's reason; a file system error on a change (disk full, I/O error) becomes
   * a ToolError that names its code, never a host path.
   */
  async run<T>(name: string, write: boolean, signal: AbortSignal, work: (index: VectorIndex, entry: VectorIndexEntry) => Promise<T>): Promise<T> {
    const { entry, index } = await this.get(name, write);
    try {
      return await work(index, entry);
    } catch (err) {
      if (err instanceof ToolError || signal.aborted) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      throw new ToolError(`vector index "${entry.name}" failed to ${write ? 'store the change' : 'answer'} (${code ?? clip(String((err as Error)?.message ?? err), 200)}); nothing was changed`);
    }
  }

  /** Resolves when every index has loaded; rejects naming each one that did not (for a node that wants to fail at start). */
  async ready(): Promise<void> {
    const results = await Promise.allSettled([...this.indexes.values()].map((opening) => opening.index));
    const failures = [...this.indexes.values()].flatMap((opening, i) => {
      const result = results[i];
      return result.status === 'rejected' ? [refusal(opening.entry, result.reason)] : [];
    });
    if (failures.length > 0) throw new Error(failures.join('; '));
  }

  async close(): Promise<void> {
    await Promise.all([...this.indexes.values()].map(async (opening) => (await opening.index.catch(() => undefined))?.close()));
  }
}

function refusal(entry: VectorIndexEntry, err: unknown): string {
  const file = basename(entry.path);
  if (err instanceof VectorFileError) {
    return `vector index "${entry.name}" cannot be used: ${err.message} (${file}). The node operator restores ${file} (and ${file}.log) from a backup, ` +
      'or removes them to start the index empty, and restarts the node.';
  }
  const code = (err as NodeJS.ErrnoException).code;
  return `vector index "${entry.name}" could not be loaded (${code ?? clip(String((err as Error)?.message ?? err), 200)})`;
}
