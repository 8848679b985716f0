/** The last N latency samples in a fixed ring buffer, for quantiles such as the p95 that triggers a hedge. */
export class LatencyWindow {
  private readonly samples: Float64Array;
  private next = 0;
  private count = 0;
  private sorted: Float64Array | undefined;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`latency window capacity must be a positive integer, got ${capacity}`);
    this.samples = new Float64Array(capacity);
  }

  add(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    this.samples[this.next] = ms;
    this.next = (this.next + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
    this.sorted = undefined;
  }

  get size(): number {
    return this.count;
  }

  /** The q-quantile (nearest rank) of the samples held, or undefined when there are none. */
  quantile(q: number): number | undefined {
    if (this.count === 0) return undefined;
    // Sorted lazily and kept until the next sample, so repeated reads between calls cost nothing.
    this.sorted ??= this.samples.slice(0, this.count).sort();
    const rank = Math.min(this.count - 1, Math.max(0, Math.ceil(q * this.count) - 1));
    return this.sorted[rank];
  }
}
