/** An exponentially weighted moving average: one number of memory however many samples arrive. */
export class Ewma {
  private current: number | undefined;

  /** `alpha` in (0, 1]: the weight of each new sample (0.3: a sample's influence halves in about two samples). */
  constructor(private readonly alpha: number) {
    if (!(alpha > 0 && alpha <= 1)) throw new RangeError(`EWMA alpha must be in (0, 1], got ${alpha}`);
  }

  add(sample: number): number {
    if (!Number.isFinite(sample)) return this.current ?? 0;
    this.current = this.current === undefined ? sample : this.current + this.alpha * (sample - this.current);
    return this.current;
  }

  /** Undefined until the first sample. */
  get value(): number | undefined {
    return this.current;
  }
}
