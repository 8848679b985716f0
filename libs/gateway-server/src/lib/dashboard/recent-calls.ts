/** One invocation as the dashboard charts it. */
export interface RecentCall {
  /** Epoch ms when it ended. */
  at: number;
  capability: string;
  node: string;
  ms: number;
  outcome: string;
}

/** The last invocations, for the dashboard's latency chart: a fixed-size ring, so memory never grows with traffic. */
export class RecentCalls {
  private readonly ring: RecentCall[] = [];
  private next = 0;

  constructor(private readonly capacity = 500) {}

  record(call: RecentCall): void {
    if (this.ring.length < this.capacity) this.ring.push(call);
    else this.ring[this.next] = call;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Oldest first. */
  list(): RecentCall[] {
    return this.ring.length < this.capacity ? [...this.ring] : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
  }
}
