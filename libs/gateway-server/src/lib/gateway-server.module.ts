import { type DynamicModule, Module } from '@nestjs/common';
import { ObservabilityModule, type ObservabilityOptions } from '@pimcp/observability';

/** The gateway's Nest side: /metrics and /health/{live,ready}. The MCP endpoint is mounted on Express directly. */
@Module({})
export class GatewayServerModule {
  static register(observability: ObservabilityOptions): DynamicModule {
    return { module: GatewayServerModule, imports: [ObservabilityModule.register(observability)] };
  }
}
