import type { ToolProvider } from './tool-catalog.port';

/**
 * First-version routing: the live, non-draining provider with the fewest calls in flight from this
 * gateway (ties broken round-robin). The routing issue replaces this with the scored router.
 */
export class ProviderPicker {
  private readonly inFlight = new Map<string, number>();
  private turn = 0;

  pick(providers: readonly ToolProvider[]): ToolProvider | undefined {
    const eligible = providers.filter((p) => !p.draining);
    if (eligible.length === 0) return undefined;
    const start = this.turn++ % eligible.length;
    let best: ToolProvider | undefined;
    for (let i = 0; i < eligible.length; i++) {
      const candidate = eligible[(start + i) % eligible.length] as ToolProvider;
      if (!best || this.load(candidate) < this.load(best)) best = candidate;
    }
    return best;
  }

  /** Counts a call against its node until the returned function is called. */
  track(provider: ToolProvider): () => void {
    this.inFlight.set(provider.nodeId, this.load(provider) + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const left = this.load(provider) - 1;
      if (left <= 0) this.inFlight.delete(provider.nodeId);
      else this.inFlight.set(provider.nodeId, left);
    };
  }

  private load(provider: ToolProvider): number {
    return this.inFlight.get(provider.nodeId) ?? 0;
  }
}
