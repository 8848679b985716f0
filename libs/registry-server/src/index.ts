export * from './lib/config/registry.config';
export * from './lib/registry-server.module';
export * from './lib/bootstrap-registry';
export * from './lib/pinning/pinning-event-sink.port';
export { adminAuthModeOf } from './lib/admin-auth/admin-auth-mode';
