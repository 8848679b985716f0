import { Logger } from '@nestjs/common';
import type { LeaderElector } from '@pimcp/registry-store';
import type { ContextJanitor } from './context-janitor';

/** Campaigns among context-sync replicas; the leader alone runs the janitor. */
export class ContextSyncLeadership {
  private readonly logger = new Logger(ContextSyncLeadership.name);

  constructor(private readonly elector: LeaderElector, private readonly janitor: ContextJanitor, readonly replicaId: string) {}

  get isLeader(): boolean {
    return this.elector.isLeader;
  }

  async start(): Promise<void> {
    await this.elector.campaign(this.replicaId, (isLeader) => {
      this.logger.log(isLeader ? `${this.replicaId} leads context housekeeping` : `${this.replicaId} no longer leads`);
      if (isLeader) this.janitor.start();
      else void this.janitor.stop();
    });
  }

  async stop(): Promise<void> {
    await this.janitor.stop();
    await this.elector.resign();
  }

  async status(): Promise<{ replicaId: string; isLeader: boolean; leader: string | null }> {
    return { replicaId: this.replicaId, isLeader: this.elector.isLeader, leader: (await this.elector.leader()) ?? null };
  }
}
