import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor } from '@nestjs/common';
import { PimcpError } from '@pimcp/protocol';
import { type Observable, tap } from 'rxjs';
import { REGISTRY_METRICS } from '../config/registry-tokens';
import type { RegistryMetrics } from './registry-metrics';

/** Counts and times each node-link request by its message pattern, whatever the handler does. */
@Injectable()
export class LinkMetricsInterceptor implements NestInterceptor {
  constructor(@Inject(REGISTRY_METRICS) private readonly metrics: RegistryMetrics) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const pattern = String(context.switchToRpc().getContext<{ getPattern?(): string }>()?.getPattern?.() ?? 'unknown');
    const stop = this.metrics.linkLatency.startTimer({ pattern });
    const done = (outcome: string) => {
      stop();
      this.metrics.linkRequests.inc({ pattern, outcome });
    };
    return next.handle().pipe(tap({
      next: () => done('ok'),
      error: (error: unknown) => done(error instanceof PimcpError ? error.code : 'error'),
    }));
  }
}
