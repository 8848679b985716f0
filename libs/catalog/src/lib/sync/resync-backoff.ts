/**
 * Pauses between resnapshot attempts: the first retry after a healthy spell is immediate, later ones double up to a
 * cap, with jitter so many gateways that lost their watch together do not snapshot etcd in lockstep.
 */
export interface ResyncBackoffOptions {
  minDelayMs: number;
  maxDelayMs: number;
  random: () => number;
  now?: () => number;
}

export class ResyncBackoff {
  private failures = 0;
  private healthySince: number | undefined;
  private readonly now: () => number;

  constructor(private readonly options: ResyncBackoffOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The pause before the next attempt. */
  next(): number {
    // A watch that held for longer than the longest pause counts as healthy: start over.
    if (this.healthySince !== undefined && this.now() - this.healthySince > this.options.maxDelayMs) this.failures = 0;
    this.healthySince = undefined;
    const attempt = this.failures++;
    if (attempt === 0) return 0;
    const ceiling = Math.min(this.options.maxDelayMs, this.options.minDelayMs * 2 ** (attempt - 1));
    return Math.round(ceiling * (0.5 + this.options.random() / 2));
  }

  /** A snapshot was applied and a watch opened. */
  succeeded(): void {
    this.healthySince = this.now();
  }
}
