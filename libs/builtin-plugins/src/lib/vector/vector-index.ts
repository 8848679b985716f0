import { endianness } from 'node:os';
import { ToolError } from '@pimcp/plugin-sdk';
import { clip } from '../common/utf8-boundary';
import { ReadWriteLock } from './read-write-lock';
import { TopK } from './top-k';
import { unitVector, writeUnitVector } from './unit-vector';
import { VectorFileError } from './vector-file.error';
import { addRecord, deleteRecord, type LogRecord, LogOp, type PendingRecord, replayLog, VectorLog } from './vector-log';
import { VectorSet } from './vector-set';
import { readSnapshot, writeSnapshot } from './vector-snapshot';

export const MAX_ID_CHARS = 256;
// One add record holds at most this many bytes of vectors; bigger batches are split by the caller.
const MAX_BATCH_VECTOR_BYTES = 1024 * 1024 * 1024;
// A scan yields to the event loop after about this many floats (a few ms), so a search of 100,000
// vectors never holds the node's event loop for its whole duration.
const SCAN_CHUNK_FLOATS = 1 << 21;

export interface VectorIndexOptions {
  /** The snapshot file; the append log is `${path}.log`. */
  readonly path: string;
  readonly dimensions: number;
  readonly maxVectors: number;
  readonly readOnly: boolean;
  /** Past this many bytes of log, a change ends by writing a snapshot and starting a new log. */
  readonly compactLogBytes: number;
  readonly maxMetadataBytes: number;
  /** Told when a snapshot after a change fails (the change itself is safe in the log). */
  readonly onWarning?: (message: string) => void;
}

export interface VectorItem {
  readonly id: string;
  readonly vector: ArrayLike<number>;
  /** JSON text. */
  readonly metadata?: string;
}

export interface Neighbour {
  readonly id: string;
  /** Cosine similarity, from -1 to 1. */
  readonly score: number;
  readonly metadata?: string;
}

/**
 * A persistent vector index searched by brute force: every vector is a unit vector in one contiguous
 * Float32Array, so cosine similarity is a dot product and a k-nearest search is one pass with a heap.
 *
 * Durability: each change is appended to a log and fsynced before its call returns; when the log grows
 * past compactLogBytes the whole index is written as a snapshot (temp file, fsync, rename) and the log
 * starts over. Opening loads the snapshot and replays the log after it. Changes run one at a time;
 * searches run alongside each other and alongside a change's disk writes, and wait only while a change
 * is applied in memory.
 */
export class VectorIndex {
  private readonly lock = new ReadWriteLock();
  private changes: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Why the index takes no more changes, once the log could not be replaced safely. */
  private broken: string | undefined;

  private constructor(private readonly options: VectorIndexOptions, private readonly set: VectorSet, private seq: number, private log: VectorLog | undefined) {}

  /** Loads the index from its files (an index without files starts empty); a torn or corrupt file is a VectorFileError. */
  static async open(options: VectorIndexOptions): Promise<VectorIndex> {
    if (endianness() !== 'LE') throw new VectorFileError('vector index files are little-endian and this host is not');
    const { path, dimensions, maxVectors } = options;
    const snapshot = await readSnapshot(path, dimensions, maxVectors);
    const set = snapshot?.set ?? new VectorSet(dimensions, maxVectors);
    const replayed = await replayLog(`${path}.log`, dimensions, snapshot?.lastSeq ?? 0, (record) => apply(set, record));
    if (set.size > maxVectors) throw new VectorFileError(`the index holds ${set.size} vectors, more than maxVectors (${maxVectors}); raise maxVectors`);
    let log: VectorLog | undefined;
    if (!options.readOnly) log = replayed ? await VectorLog.resume(`${path}.log`, replayed.validBytes) : await VectorLog.start(`${path}.log`, dimensions);
    return new VectorIndex(options, set, replayed?.seq ?? snapshot?.lastSeq ?? 0, log);
  }

  get size(): number {
    return this.set.size;
  }

  get dimensions(): number {
    return this.options.dimensions;
  }

  /** Adds or replaces vectors (an id already in the index gets the new vector and metadata). All or nothing. */
  async add(items: readonly VectorItem[]): Promise<{ added: number; replaced: number }> {
    const d = this.options.dimensions;
    return this.addPrepared(this.prepareAdd(items.map((i) => i.id), items.map((i) => i.metadata), (vectors) => {
      items.forEach((item, i) => writeUnitVector(item.vector, d, vectors, i * d, `the vector of "${clip(item.id, 80)}"`));
    }));
  }

  /** Bulk add: `vectors` holds ids.length vectors back to back (they need not be unit length). */
  async addBatch(ids: readonly string[], vectors: Float32Array, metadata: ReadonlyArray<string | undefined> = []): Promise<{ added: number; replaced: number }> {
    const d = this.options.dimensions;
    if (vectors.length !== ids.length * d) throw new ToolError(`${ids.length} ids need ${ids.length * d} numbers, not ${vectors.length}`);
    return this.addPrepared(this.prepareAdd(ids, metadata, (out) => {
      for (let i = 0; i < ids.length; i++) writeUnitVector(vectors.subarray(i * d, (i + 1) * d), d, out, i * d, `vector ${i} ("${clip(ids[i], 80)}")`);
    }));
  }

  /** Removes vectors by id; ids not in the index are reported, not refused. */
  async delete(ids: readonly string[]): Promise<{ deleted: string[]; missing: string[] }> {
    this.checkWritable();
    const unique = [...new Set(ids)];
    return this.change(async () => {
      const deleted = unique.filter((id) => this.set.has(id));
      const missing = unique.filter((id) => !this.set.has(id));
      if (deleted.length > 0) await this.commit(deleteRecord(deleted), { op: LogOp.Delete, ids: deleted, metadata: [] });
      return { deleted, missing };
    });
  }

  /** The `k` stored vectors most similar (by cosine) to `query`, best first. */
  async search(query: ArrayLike<number>, k: number, signal?: AbortSignal): Promise<Neighbour[]> {
    this.checkOpen();
    signal?.throwIfAborted();
    const unit = unitVector(query, this.options.dimensions, 'the query vector');
    return this.lock.read(async () => {
      const count = this.set.size;
      const top = new TopK(Math.min(k, count));
      const chunk = Math.max(1, Math.floor(SCAN_CHUNK_FLOATS / this.options.dimensions));
      for (let from = 0; from < count; from += chunk) {
        if (from > 0) {
          await new Promise((resolve) => setImmediate(resolve));
          signal?.throwIfAborted();
        }
        this.set.scan(unit, from, Math.min(count, from + chunk), top);
      }
      return top.sorted().map(({ slot, score }) => {
        const metadata = this.set.metadataAt(slot);
        return { id: this.set.idAt(slot), score, ...(metadata !== undefined ? { metadata } : {}) };
      });
    });
  }

  /** Writes a snapshot now and starts a new log. */
  async compact(): Promise<void> {
    this.checkWritable();
    await this.change(() => this.snapshot());
  }

  /** Waits for the change in progress, then closes the log; the index takes no more calls. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.changes;
    await this.log?.close();
    this.log = undefined;
  }

  private prepareAdd(ids: readonly string[], metadata: ReadonlyArray<string | undefined>, fill: (vectors: Float32Array) => void): { record: PendingRecord; ids: readonly string[]; metadata: ReadonlyArray<string | undefined> } {
    this.checkWritable();
    checkIds(ids);
    if (ids.length * this.options.dimensions * 4 > MAX_BATCH_VECTOR_BYTES) throw new ToolError(`a batch holds at most ${MAX_BATCH_VECTOR_BYTES} bytes of vectors; split it`);
    for (const [i, meta] of metadata.entries()) {
      if (meta === undefined) continue;
      const bytes = Buffer.byteLength(meta, 'utf8');
      if (bytes > this.options.maxMetadataBytes) {
        throw new ToolError(`the metadata of "${clip(ids[i], 80)}" is ${bytes} bytes as JSON; this node keeps at most ${this.options.maxMetadataBytes} per vector`);
      }
      if (!isJsonObject(meta)) throw new ToolError(`the metadata of "${clip(ids[i], 80)}" must be a JSON object`);
    }
    const record = addRecord(this.options.dimensions, ids, metadata);
    fill(record.vectors);
    return { record, ids, metadata };
  }

  private addPrepared(prepared: { record: PendingRecord; ids: readonly string[]; metadata: ReadonlyArray<string | undefined> }): Promise<{ added: number; replaced: number }> {
    return this.change(async () => {
      this.checkWritable();
      const fresh = prepared.ids.filter((id) => !this.set.has(id)).length;
      if (this.set.size + fresh > this.options.maxVectors) {
        throw new ToolError(`the index holds ${this.set.size} of at most ${this.options.maxVectors} vectors and this call adds ${fresh} new ones; ` +
          'delete some first, or ask the node operator to raise maxVectors');
      }
      await this.commit(prepared.record, { op: LogOp.Add, ids: prepared.ids, metadata: prepared.metadata, vectors: prepared.record.vectors });
      return { added: fresh, replaced: prepared.ids.length - fresh };
    });
  }

  /** Logs a change durably, applies it in memory, and compacts when the log has grown enough. */
  private async commit(record: PendingRecord, change: Omit<LogRecord, 'seq' | 'vectors'> & { vectors?: Float32Array }): Promise<void> {
    const log = this.log;
    if (!log) throw new ToolError('the index is closed');
    await log.append(record, this.seq + 1);
    this.seq++;
    await this.lock.write(() => apply(this.set, { ...change, seq: this.seq, vectors: change.vectors ?? new Float32Array(0) }));
    if (log.bytes <= this.options.compactLogBytes) return;
    try {
      await this.snapshot();
    } catch (err) {
      // The change is durable in the log already: the call succeeds, the log grows until a snapshot works.
      this.options.onWarning?.(`vector index ${this.options.path}: writing a snapshot failed (${describe(err)}); changes stay in the log, which keeps growing`);
    }
  }

  private async snapshot(): Promise<void> {
    // Searches go on meanwhile: the set changes only inside a change, and this is one.
    await writeSnapshot(this.options.path, this.set, this.seq);
    let fresh: VectorLog;
    try {
      fresh = await VectorLog.start(`${this.options.path}.log`, this.options.dimensions);
    } catch (err) {
      // The old log may no longer be the file at its path: appending to it could lose changes.
      this.broken = `a new log could not be started after a snapshot (${describe(err)})`;
      throw err;
    }
    await this.log?.close();
    this.log = fresh;
  }

  /** Runs changes one at a time, in call order; one failing does not stop the next. */
  private change<T>(work: () => Promise<T>): Promise<T> {
    const run = this.changes.then(() => {
      this.checkOpen();
      return work();
    });
    this.changes = run.catch(() => undefined);
    return run;
  }

  private checkWritable(): void {
    this.checkOpen();
    if (this.options.readOnly) throw new ToolError('the index is read-only on this node (readOnly is on)');
    if (this.broken) throw new ToolError(`the index takes no changes until the node restarts: ${this.broken}`);
  }

  private checkOpen(): void {
    if (this.closed) throw new ToolError('the index is closed (the node is shutting down)');
  }
}

function apply(set: VectorSet, record: LogRecord): void {
  if (record.op === LogOp.Delete) {
    for (const id of record.ids) set.remove(id);
    return;
  }
  set.reserve(Math.min(set.size + record.ids.length, set.maxVectors));
  record.ids.forEach((id, i) => set.upsert(id, record.vectors, i * set.dimensions, record.metadata[i]));
}

function describe(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? clip(String((err as Error)?.message ?? err), 200);
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  } catch {
    return false;
  }
}

function checkIds(ids: readonly string[]): void {
  if (ids.length === 0) throw new ToolError('give at least one vector');
  const seen = new Set<string>();
  for (const id of ids) {
    const shown = JSON.stringify(clip(id, 80));
    if (id.length === 0 || id.length > MAX_ID_CHARS) throw new ToolError(`id ${shown} must have 1 to ${MAX_ID_CHARS} characters`);
    if (/\p{Cc}/u.test(id)) throw new ToolError(`id ${shown} holds control characters`);
    // A lone surrogate would not survive the UTF-8 round trip to disk: the id would change on reload.
    if (Buffer.from(id, 'utf8').toString('utf8') !== id) throw new ToolError(`id ${shown} is not well-formed Unicode`);
    if (seen.has(id)) throw new ToolError(`id ${shown} appears twice in this call`);
    seen.add(id);
  }
}
