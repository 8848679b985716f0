import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ObservabilityModule } from '@pimcp/observability';
import {
  createLeaderElector, createRegistryStore, type LeaderElector, type RegistryStore,
} from '@pimcp/registry-store';
import { AdminAuthGuard } from './admin-auth/admin-auth.guard';
import { adminAuthModeOf } from './admin-auth/admin-auth-mode';
import { RoutingPoliciesController } from './admin/routing/routing-policies.controller';
import { AdminController } from './admin/admin.controller';
import { ToolSetsController } from './admin/tool-sets/tool-sets.controller';
import { DrainNodeUseCase } from './admin/usecases/drain-node/drain-node.usecase';
import { SetCapabilityEnabledUseCase } from './admin/usecases/set-capability-enabled/set-capability-enabled.usecase';
import { etcdSecurityOf } from '@pimcp/tls';
import type { RegistryConfig } from './config/registry.config';
import { ADMIN_AUTH, LEADER_ELECTOR, REGISTRY_CONFIG, REGISTRY_METRICS, REGISTRY_STORE } from './config/registry-tokens';
import { LeadershipService } from './leadership/leadership.service';
import { NodesController } from './nodes/nodes.controller';
import { HeartbeatNodeUseCase } from './nodes/usecases/heartbeat-node/heartbeat-node.usecase';
import { JoinNodeUseCase } from './nodes/usecases/join-node/join-node.usecase';
import { LeaveNodeUseCase } from './nodes/usecases/leave-node/leave-node.usecase';
import { DefinitionsController } from './pinning/definitions.controller';
import { LoggingPinningEventSink } from './pinning/logging-pinning-event.sink';
import { PINNING_EVENT_SINK, type PinningEventSink } from './pinning/pinning-event-sink.port';
import { ListPendingDefinitionsUseCase } from './pinning/usecases/list-pending-definitions/list-pending-definitions.usecase';
import { ReviewDefinitionUseCase } from './pinning/usecases/review-definition/review-definition.usecase';
import { SetNodeTrustedUseCase } from './pinning/usecases/set-node-trusted/set-node-trusted.usecase';
import { StoreLifecycle } from './store-lifecycle';
import { registryObservability } from './observability/registry-observability';

export interface RegistryServerOptions {
  config: RegistryConfig;
  /** Share one store with other in-process services (the all-in-one); by default built from config. */
  store?: RegistryStore;
  elector?: LeaderElector;
  /** Where definition pinning events go besides the registry's event list (default: the log); the audit hook. */
  pinningEventSink?: PinningEventSink;
}

/** The registry service: node link, admin API, leadership. Mounted by apps/registry and `pimcp up`. */
@Module({})
export class RegistryServerModule {
  static forRoot(options: RegistryServerOptions): DynamicModule {
    const { config } = options;
    // First: a registry that would serve an open admin API on the network refuses to start before it opens anything.
    const adminAuth = adminAuthModeOf(config);
    const ownsStore = options.store === undefined;
    const store = options.store ?? createRegistryStore({ etcdHosts: [...config.etcdHosts], etcd: etcdSecurityOf(config) });
    const elector = options.elector ?? createLeaderElector({
      etcdHosts: [...config.etcdHosts], etcd: etcdSecurityOf(config), service: 'registry', ttlSeconds: config.electionTtlSeconds,
    });
    const observability = registryObservability(config, store, elector, ownsStore);
    return {
      module: RegistryServerModule,
      imports: [ObservabilityModule.register(observability)],
      controllers: [NodesController, AdminController, RoutingPoliciesController, ToolSetsController, DefinitionsController],
      providers: [
        { provide: REGISTRY_METRICS, useValue: observability.registryMetrics },
        { provide: REGISTRY_CONFIG, useValue: config },
        { provide: ADMIN_AUTH, useValue: adminAuth },
        { provide: APP_GUARD, useClass: AdminAuthGuard },
        { provide: REGISTRY_STORE, useValue: store },
        { provide: LEADER_ELECTOR, useValue: elector },
        { provide: PINNING_EVENT_SINK, useValue: options.pinningEventSink ?? new LoggingPinningEventSink() },
        { provide: StoreLifecycle, useFactory: () => new StoreLifecycle(ownsStore ? store : undefined) },
        JoinNodeUseCase, HeartbeatNodeUseCase, LeaveNodeUseCase,
        SetCapabilityEnabledUseCase, DrainNodeUseCase,
        ListPendingDefinitionsUseCase, ReviewDefinitionUseCase, SetNodeTrustedUseCase,
        LeadershipService,
      ],
    };
  }
}
