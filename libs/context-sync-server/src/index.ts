export * from './lib/config/context-sync.config';
export * from './lib/bootstrap-context-sync';
