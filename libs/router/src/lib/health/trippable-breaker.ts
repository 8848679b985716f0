import type { CircuitState, IBreaker } from 'cockatiel';

/**
 * Wraps a cockatiel breaker (consecutive, sampling, ...) so one reported link failure opens the circuit at once,
 * whatever the wrapped breaker's threshold. Opening, half-open probing and closing stay cockatiel's.
 */
export class TrippableBreaker implements IBreaker {
  private tripNext = false;

  constructor(private readonly inner: IBreaker) {}

  get state(): unknown {
    return this.inner.state;
  }

  set state(value: unknown) {
    this.inner.state = value;
  }

  /** The next failure opens the circuit. */
  trip(): void {
    this.tripNext = true;
  }

  success(state: CircuitState): void {
    this.inner.success(state);
  }

  failure(state: CircuitState): boolean {
    const opens = this.inner.failure(state);
    if (!this.tripNext) return opens;
    this.tripNext = false;
    return true;
  }
}
