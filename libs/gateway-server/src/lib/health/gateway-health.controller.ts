import { Controller, Get } from '@nestjs/common';

/** Liveness for orchestrators; readiness grows with the operate issue (etcd, Redis, links). */
@Controller('health')
export class GatewayHealthController {
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
