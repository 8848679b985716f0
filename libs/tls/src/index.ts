export * from './runtime';
export * from './lib/dev-ca';
export * from './lib/dev-certificates';
