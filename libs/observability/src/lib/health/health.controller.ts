import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, type HealthIndicatorResult } from '@nestjs/terminus';
import { READINESS_CHECKS } from '../observability.tokens';
import { type ReadinessCheck, withinDeadline } from './readiness-check';

/** Below the Helm chart's probe timeout (3 s), so a slow dependency is reported, not timed out by the kubelet. */
const CHECK_TIMEOUT_MS = 2000;

/**
 * Liveness says the process serves HTTP (a restart would not help a dependency outage); readiness says every
 * dependency answers, through @nestjs/terminus: 200 `{status: 'ok', info}` or 503 `{status: 'error', error}` naming
 * each failing dependency and why.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    @Inject(READINESS_CHECKS) private readonly checks: readonly ReadinessCheck[],
  ) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check(this.checks.map((check) => () => this.indicate(check)));
  }

  private async indicate(check: ReadinessCheck): Promise<HealthIndicatorResult> {
    try {
      await withinDeadline(check, CHECK_TIMEOUT_MS);
      return { [check.name]: { status: 'up' } };
    } catch (error) {
      return { [check.name]: { status: 'down', message: error instanceof Error ? error.message : String(error) } };
    }
  }
}
