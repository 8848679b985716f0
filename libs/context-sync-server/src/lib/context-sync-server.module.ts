import { type DynamicModule, Module } from '@nestjs/common';
import type { ContextMaintenance } from '@pimcp/context-store';
import { ObservabilityModule, type ObservabilityOptions } from '@pimcp/observability';
import { ContextSyncController } from './http/context-sync.controller';
import { CONTEXT_JANITOR, CONTEXT_MAINTENANCE, CONTEXT_SYNC_LEADERSHIP } from './http/context-sync.tokens';
import type { ContextJanitor } from './leadership/context-janitor';
import type { ContextSyncLeadership } from './leadership/context-sync-leadership';

/** The context-sync service's HTTP side (stats, /metrics, /health); leadership and the janitor are wired by bootstrapContextSync. */
@Module({})
export class ContextSyncServerModule {
  static forRoot(deps: { maintenance: ContextMaintenance; janitor: ContextJanitor; leadership: ContextSyncLeadership; observability: ObservabilityOptions }): DynamicModule {
    return {
      module: ContextSyncServerModule,
      imports: [ObservabilityModule.register(deps.observability)],
      controllers: [ContextSyncController],
      providers: [
        { provide: CONTEXT_MAINTENANCE, useValue: deps.maintenance },
        { provide: CONTEXT_JANITOR, useValue: deps.janitor },
        { provide: CONTEXT_SYNC_LEADERSHIP, useValue: deps.leadership },
      ],
    };
  }
}
