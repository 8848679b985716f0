import { Module } from '@nestjs/common';
import { GatewayHealthController } from './health/gateway-health.controller';

/** The gateway's Nest side: health and (later) admin routes. The MCP endpoint is mounted on Express directly. */
@Module({ controllers: [GatewayHealthController] })
export class GatewayServerModule {}
