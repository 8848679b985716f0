// Logging only: what a process needs at start without loading metrics, health checks or their clients.
export * from './lib/logging/logging.config';
export * from './lib/logging/json-logger';
export * from './lib/logging/nest-log-levels';
export * from './lib/logging/plain-timestamp-console-logger';
export * from './lib/logging/deferred-date-time-format';
export * from './lib/logging/configure-process-logging';
