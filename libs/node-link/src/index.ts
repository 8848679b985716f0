export * from './lib/node/tool-invoker';
export * from './lib/node/parse-invoke-request';
export * from './lib/gateway/link-address';
export * from './lib/gateway/node-link.client';
export * from './lib/gateway/node-link-client.pool';
export * from './lib/node/redis-link.server';
export * from './lib/redis-link-options';
