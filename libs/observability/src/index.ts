export * from './lib/metrics/metrics-registry';
export * from './lib/health/readiness-check';
export * from './lib/health/redis-ping.check';
export * from './lib/health/etcd-status.check';
export * from './lib/observability.module';
export * from './lib/observability.tokens';
