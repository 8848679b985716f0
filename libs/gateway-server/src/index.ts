export * from './lib/config/gateway.config';
export * from './lib/calls/tool-catalog.port';
export * from './lib/calls/node-invoker.port';
export * from './lib/calls/offering-catalog.port';
export * from './lib/auth/client-token.verifier';
export * from './lib/auth/dev-credentials';
export * from './lib/bootstrap-gateway';
export * from './lib/gateway-runtime';
