import { Logger } from '@nestjs/common';
import type { ContextMaintenance, SweepReport } from '@pimcp/context-store';

/** The leader's chores over the shared contexts, on an interval, while this replica leads. */
export class ContextJanitor {
  private readonly logger = new Logger(ContextJanitor.name);
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private last: (SweepReport & { at: string }) | undefined;
  private lastError: string | undefined;

  constructor(private readonly maintenance: ContextMaintenance, private readonly options: { intervalMs: number; retainChanges: number }) {}

  get running(): boolean {
    return this.timer !== undefined;
  }

  get lastSweep(): (SweepReport & { at: string }) | undefined {
    return this.last;
  }

  get lastFailure(): string | undefined {
    return this.lastError;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.sweep(), this.options.intervalMs);
    void this.sweep();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.sweeping;
  }

  /** One sweep now; overlapping calls share the one in progress. */
  sweep(): Promise<void> {
    this.sweeping ??= this.maintenance.sweep({ retainChanges: this.options.retainChanges }).then(
      (report) => {
        this.last = { ...report, at: new Date().toISOString() };
        this.lastError = undefined;
        if (report.trimmedEntries + report.orphanKeysRemoved + report.ttlRepaired > 0) this.logger.log(`swept ${JSON.stringify(report)}`);
      },
      (error: Error) => {
        this.lastError = error.message;
        this.logger.warn(`sweep failed, will retry: ${error.message}`);
      },
    ).finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }
}
