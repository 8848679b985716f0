export * from './lib/audit-record';
export * from './lib/audit-query';
export * from './lib/audit-log.port';
export * from './lib/memory-audit-log';
export * from './lib/jsonl-file-audit-log';
export * from './lib/redis-stream-audit-log';
export * from './lib/create-audit-log';
