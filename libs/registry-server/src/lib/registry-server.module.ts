import { type DynamicModule, Module } from '@nestjs/common';
import {
  createLeaderElector, createRegistryStore, type LeaderElector, type RegistryStore,
} from '@pimcp/registry-store';
import { RoutingPoliciesController } from './admin/routing/routing-policies.controller';
import { AdminController } from './admin/admin.controller';
import { DrainNodeUseCase } from './admin/usecases/drain-node/drain-node.usecase';
import { SetCapabilityEnabledUseCase } from './admin/usecases/set-capability-enabled/set-capability-enabled.usecase';
import { etcdSecurityOf } from '@pimcp/tls';
import type { RegistryConfig } from './config/registry.config';
import { LEADER_ELECTOR, REGISTRY_CONFIG, REGISTRY_STORE } from './config/registry-tokens';
import { HealthController } from './health/health.controller';
import { LeadershipService } from './leadership/leadership.service';
import { NodesController } from './nodes/nodes.controller';
import { HeartbeatNodeUseCase } from './nodes/usecases/heartbeat-node/heartbeat-node.usecase';
import { JoinNodeUseCase } from './nodes/usecases/join-node/join-node.usecase';
import { LeaveNodeUseCase } from './nodes/usecases/leave-node/leave-node.usecase';
import { StoreLifecycle } from './store-lifecycle';

export interface RegistryServerOptions {
  config: RegistryConfig;
  /** Share one store with other in-process services (the all-in-one); by default built from config. */
  store?: RegistryStore;
  elector?: LeaderElector;
}

/** The registry service: node link, admin API, leadership. Mounted by apps/registry and `pimcp up`. */
@Module({})
export class RegistryServerModule {
  static forRoot(options: RegistryServerOptions): DynamicModule {
    const { config } = options;
    const ownsStore = options.store === undefined;
    const store = options.store ?? createRegistryStore({ etcdHosts: [...config.etcdHosts], etcd: etcdSecurityOf(config) });
    const elector = options.elector ?? createLeaderElector({
      etcdHosts: [...config.etcdHosts], etcd: etcdSecurityOf(config), service: 'registry', ttlSeconds: config.electionTtlSeconds,
    });
    return {
      module: RegistryServerModule,
      controllers: [NodesController, AdminController, RoutingPoliciesController, HealthController],
      providers: [
        { provide: REGISTRY_CONFIG, useValue: config },
        { provide: REGISTRY_STORE, useValue: store },
        { provide: LEADER_ELECTOR, useValue: elector },
        { provide: StoreLifecycle, useFactory: () => new StoreLifecycle(ownsStore ? store : undefined) },
        JoinNodeUseCase, HeartbeatNodeUseCase, LeaveNodeUseCase,
        SetCapabilityEnabledUseCase, DrainNodeUseCase,
        LeadershipService,
      ],
    };
  }
}
