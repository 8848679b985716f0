/** Exponential backoff between restarts of a bridged server: initialMs, doubled each failure, capped at maxMs. */
export class RestartBackoff {
  private failures = 0;

  constructor(private readonly bounds: { initialMs: number; maxMs: number }) {}

  /** The wait before the next attempt; each call counts one more failure. */
  next(): number {
    const delay = Math.min(this.bounds.initialMs * 2 ** Math.min(this.failures, 30), this.bounds.maxMs);
    this.failures += 1;
    return delay;
  }

  /** After the server stayed up a while: the next crash is restarted quickly again. */
  reset(): void {
    this.failures = 0;
  }

  get attempts(): number {
    return this.failures;
  }
}
