import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import type { ContextMaintenance } from '@pimcp/context-store';
import type { ContextJanitor } from '../leadership/context-janitor';
import type { ContextSyncLeadership } from '../leadership/context-sync-leadership';
import { CONTEXT_JANITOR, CONTEXT_MAINTENANCE, CONTEXT_SYNC_LEADERSHIP } from './context-sync.tokens';

/** Stats for operators and the dashboard (health and metrics: ObservabilityModule). */
@Controller()
export class ContextSyncController {
  constructor(
    @Inject(CONTEXT_MAINTENANCE) private readonly maintenance: ContextMaintenance,
    @Inject(CONTEXT_JANITOR) private readonly janitor: ContextJanitor,
    @Inject(CONTEXT_SYNC_LEADERSHIP) private readonly leadership: ContextSyncLeadership,
  ) {}

  @Get('v1/stats')
  async stats() {
    return {
      ...(await this.leadership.status()),
      contexts: await this.unavailableOnFailure(() => this.maintenance.stats()),
      lastSweep: this.janitor.lastSweep ?? null,
      lastSweepError: this.janitor.lastFailure ?? null,
    };
  }

  @Get('v1/leader')
  leader() {
    return this.leadership.status();
  }

  private async unavailableOnFailure<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw new ServiceUnavailableException(`the context store does not answer: ${(error as Error).message}`);
    }
  }
}
