import { formatWriteClock } from '../shared/write-clock';

/**
 * A hybrid logical clock (Kulkarni et al.): wall time when it moves forward, a counter when it does not, so one
 * node's clocks strictly increase even if its wall clock steps back (a board without RTC after a reboot).
 * Node ids break ties between nodes. Formatted by formatWriteClock, so clocks compare as strings.
 */
export class HybridLogicalClock {
  private wallMs = 0;
  private counter = 0;

  constructor(private readonly nodeId: string, private readonly now: () => number = Date.now) {}

  next(): string {
    const now = this.now();
    if (now > this.wallMs) {
      this.wallMs = now;
      this.counter = 0;
    } else {
      this.counter += 1;
    }
    return formatWriteClock(this.wallMs, this.counter, this.nodeId);
  }

  /** Moves past a clock seen from elsewhere (e.g. a journal written before a restart), so later clocks sort after it. */
  observe(clock: string): void {
    const [wall, counter] = clock.split('.');
    const wallMs = Number(wall);
    const count = Number(counter);
    if (!Number.isFinite(wallMs) || !Number.isFinite(count)) return;
    if (wallMs > this.wallMs || (wallMs === this.wallMs && count > this.counter)) {
      this.wallMs = wallMs;
      this.counter = count;
    }
  }
}
