import { LatencyWindow } from './latency-window';

export interface CapabilityLatencyOptions {
  /** Samples kept per capability (default 128). */
  windowSize?: number;
  /** Capabilities tracked; the least recently used is dropped beyond this (default 1024). */
  maxCapabilities?: number;
}

/** Recent call latency per capability (across nodes): what a hedge delay is computed from. Bounded in memory. */
export class CapabilityLatency {
  private readonly windows = new Map<string, LatencyWindow>();
  private readonly windowSize: number;
  private readonly maxCapabilities: number;

  constructor(options: CapabilityLatencyOptions = {}) {
    this.windowSize = options.windowSize ?? 128;
    this.maxCapabilities = options.maxCapabilities ?? 1024;
  }

  record(capability: string, ms: number): void {
    let window = this.windows.get(capability);
    if (window) {
      this.windows.delete(capability);
    } else {
      window = new LatencyWindow(this.windowSize);
      if (this.windows.size >= this.maxCapabilities) this.windows.delete(this.windows.keys().next().value as string);
    }
    // Re-inserted so the Map's order is least recently used first.
    this.windows.set(capability, window);
    window.add(ms);
  }

  /** The q-quantile of recent latency, once at least `minSamples` calls were seen. */
  quantile(capability: string, q: number, minSamples = 1): number | undefined {
    const window = this.windows.get(capability);
    return window && window.size >= minSamples ? window.quantile(q) : undefined;
  }

  samples(capability: string): number {
    return this.windows.get(capability)?.size ?? 0;
  }

  get size(): number {
    return this.windows.size;
  }
}
