export * from './lib/node-identity';
export * from './lib/dev-ca';
export * from './lib/tls-material';
export * from './lib/tls-setup.error';
export * from './lib/tls-settings';
export * from './lib/store-credentials';
export * from './lib/peer-node-identity';
export * from './lib/dev-certificates';
