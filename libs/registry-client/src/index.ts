export * from './lib/registry-client';
export * from './lib/node-membership';
