import { type DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { Registry } from 'prom-client';
import { HealthController } from './health/health.controller';
import type { ReadinessCheck } from './health/readiness-check';
import { MetricsController } from './metrics/metrics.controller';
import { METRICS_REGISTRY, READINESS_CHECKS } from './observability.tokens';

export interface ObservabilityOptions {
  /** Served at GET /metrics. */
  metrics: Registry;
  /** GET /health/ready is 200 when every one answers, else 503 naming those that do not. */
  readiness: readonly ReadinessCheck[];
}

/** The routes every PiMCP app serves for operators: /metrics, /health/live, /health/ready. */
@Module({})
export class ObservabilityModule {
  static register(options: ObservabilityOptions): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [MetricsController, HealthController],
      providers: [
        { provide: METRICS_REGISTRY, useValue: options.metrics },
        { provide: READINESS_CHECKS, useValue: options.readiness },
      ],
    };
  }
}
