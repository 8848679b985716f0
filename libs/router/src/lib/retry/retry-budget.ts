import { type Clock, systemClock } from '../clock';

export interface RetryBudgetOptions {
  /** Retries earned per call started (default 0.1: retries add at most 10% to the calls nodes see). */
  ratio?: number;
  /** Retries earned per second whatever the traffic, so a quiet gateway can still retry (default 1). */
  minPerSecond?: number;
  /** Most retries saved up for a burst (default 20). */
  maxBalance?: number;
}

/**
 * A token bucket for retries and hedges: every call deposits `ratio`, time deposits `minPerSecond`, each retry or
 * hedge withdraws one. When nodes fail en masse, retries stop at the budget instead of multiplying the load.
 */
export class RetryBudget {
  private readonly ratio: number;
  private readonly minPerSecond: number;
  private readonly maxBalance: number;
  private tokens: number;
  private refilledAt: number;

  constructor(options: RetryBudgetOptions = {}, private readonly clock: Clock = systemClock) {
    this.ratio = options.ratio ?? 0.1;
    this.minPerSecond = options.minPerSecond ?? 1;
    this.maxBalance = options.maxBalance ?? 20;
    if (!(this.ratio >= 0) || !(this.minPerSecond >= 0) || !(this.maxBalance >= 1)) {
      throw new RangeError('RetryBudget needs ratio >= 0, minPerSecond >= 0 and maxBalance >= 1');
    }
    this.tokens = Math.min(this.maxBalance, this.minPerSecond);
    this.refilledAt = clock.now();
  }

  /** A call started (first attempts only: retries earn nothing). */
  recordCall(): void {
    this.refill();
    this.tokens = Math.min(this.maxBalance, this.tokens + this.ratio);
  }

  /** Takes one retry from the budget; false when it is spent. */
  tryWithdraw(): boolean {
    this.refill();
    // Ten deposits of 0.1 sum to 0.9999999999999999 in floating point; that is one retry.
    if (this.tokens < 1 - 1e-9) return false;
    this.tokens = Math.max(0, this.tokens - 1);
    return true;
  }

  /** Retries available now. */
  get balance(): number {
    this.refill();
    return this.tokens;
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.refilledAt);
    this.refilledAt = now;
    this.tokens = Math.min(this.maxBalance, this.tokens + (elapsed / 1000) * this.minPerSecond);
  }
}
