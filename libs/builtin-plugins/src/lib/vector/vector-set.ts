import type { TopK } from './top-k';

/**
 * The vectors of one index in memory: unit vectors back to back in one Float32Array (slot i holds
 * floats [i * d, (i + 1) * d)), with ids and metadata (JSON text) in parallel arrays. A delete moves the
 * last vector into the freed slot, so the live vectors always fill [0, size) and a scan is one pass.
 */
export class VectorSet {
  private data = new Float32Array(0);
  private readonly ids: string[] = [];
  private readonly metadata: Array<string | undefined> = [];
  private readonly slots = new Map<string, number>();

  constructor(readonly dimensions: number, readonly maxVectors: number) {}

  get size(): number {
    return this.ids.length;
  }

  has(id: string): boolean {
    return this.slots.has(id);
  }

  idAt(slot: number): string {
    return this.ids[slot];
  }

  metadataAt(slot: number): string | undefined {
    return this.metadata[slot];
  }

  /** Makes room for `count` vectors in all, growing by doubling (at most to maxVectors). */
  reserve(count: number): void {
    const floats = count * this.dimensions;
    if (floats <= this.data.length) return;
    const doubled = Math.max(2 * this.data.length, 64 * this.dimensions);
    const grown = new Float32Array(Math.max(floats, Math.min(doubled, this.maxVectors * this.dimensions)));
    grown.set(this.data.subarray(0, this.size * this.dimensions));
    this.data = grown;
  }

  /** Copies `source[offset .. offset + d)` (a unit vector) in under `id`, replacing its vector if it has one. Returns whether it did. */
  upsert(id: string, source: Float32Array, offset: number, metadata: string | undefined): boolean {
    const existing = this.slots.get(id);
    const slot = existing ?? this.size;
    if (existing === undefined) {
      this.reserve(slot + 1);
      this.slots.set(id, slot);
      this.ids.push(id);
      this.metadata.push(metadata);
    } else {
      this.metadata[slot] = metadata;
    }
    this.data.set(source.subarray(offset, offset + this.dimensions), slot * this.dimensions);
    return existing !== undefined;
  }

  remove(id: string): boolean {
    const slot = this.slots.get(id);
    if (slot === undefined) return false;
    const last = this.size - 1;
    if (slot !== last) {
      const d = this.dimensions;
      this.data.copyWithin(slot * d, last * d, (last + 1) * d);
      this.ids[slot] = this.ids[last];
      this.metadata[slot] = this.metadata[last];
      this.slots.set(this.ids[slot], slot);
    }
    this.ids.pop();
    this.metadata.pop();
    this.slots.delete(id);
    return true;
  }

  /**
   * Takes over `ids` and `metadata` for vectors already written to bytesFor(ids.length) (a snapshot
   * being loaded). The set must be empty.
   */
  adopt(ids: readonly string[], metadata: ReadonlyArray<string | undefined>): void {
    for (const [slot, id] of ids.entries()) {
      this.slots.set(id, slot);
      this.ids.push(id);
      this.metadata.push(metadata[slot]);
    }
  }

  /** Ids and metadata in slot order (live views: read them before the next change). */
  entries(): { ids: readonly string[]; metadata: ReadonlyArray<string | undefined> } {
    return { ids: this.ids, metadata: this.metadata };
  }

  /** The bytes of the live vectors, slots [0, size). */
  vectorBytes(): Uint8Array {
    return new Uint8Array(this.data.buffer, this.data.byteOffset, this.size * this.dimensions * 4);
  }

  /** The bytes of the first `count` vector slots (reserving them), to read a snapshot into or write one from. */
  bytesFor(count: number): Uint8Array {
    this.reserve(count);
    return new Uint8Array(this.data.buffer, this.data.byteOffset, count * this.dimensions * 4);
  }

  /** Offers the dot product of `query` (a unit vector) with every vector in slots [from, to) to `top`. */
  scan(query: Float32Array, from: number, to: number, top: TopK): void {
    const data = this.data;
    const d = this.dimensions;
    let threshold = top.threshold;
    for (let slot = from, base = from * d; slot < to; slot++, base += d) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += data[base + j] * query[j];
      if (dot > threshold) {
        top.offer(slot, dot);
        threshold = top.threshold;
      }
    }
  }
}
