import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { LeaderElector, RegistryStore } from '@pimcp/registry-store';
import { type RegistryConfig, replicaIdOf } from '../config/registry.config';
import { LEADER_ELECTOR, REGISTRY_CONFIG, REGISTRY_STORE } from '../config/registry-tokens';
import { Housekeeper } from './housekeeper';

/** Campaigns for leadership at boot; the leader runs the housekeeper. */
@Injectable()
export class LeadershipService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LeadershipService.name);
  private readonly housekeeper: Housekeeper;
  readonly replicaId: string;

  constructor(
    @Inject(REGISTRY_STORE) store: RegistryStore,
    @Inject(LEADER_ELECTOR) private readonly elector: LeaderElector,
    @Inject(REGISTRY_CONFIG) config: RegistryConfig,
  ) {
    this.replicaId = replicaIdOf(config);
    this.housekeeper = new Housekeeper(store, config.housekeepingIntervalMs);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.elector.campaign(this.replicaId, (isLeader) => {
      this.logger.log(isLeader ? `${this.replicaId} is now the leader` : `${this.replicaId} is no longer the leader`);
      const change = isLeader ? this.housekeeper.start() : this.housekeeper.stop();
      change.catch((err: Error) => this.logger.error(`housekeeper ${isLeader ? 'start' : 'stop'} failed: ${err.message}`));
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.housekeeper.stop();
    await this.elector.resign();
  }

  async status(): Promise<{ replicaId: string; isLeader: boolean; leader: string | null }> {
    return { replicaId: this.replicaId, isLeader: this.elector.isLeader, leader: (await this.elector.leader()) ?? null };
  }
}
