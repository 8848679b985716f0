// `@pimcp/tls/runtime`: what services and nodes need at run time (settings, material, node identity, store
// credentials), without the development CA. The barrel also exports the dev CA, which loads `@peculiar/x509`
// (about 200 files, 3.5 MiB of an idle edge node: ADR 0018); code on a node's boot path imports this entry.
export * from './lib/node-identity';
export * from './lib/tls-material';
export * from './lib/tls-setup.error';
export * from './lib/tls-settings';
export * from './lib/store-credentials';
export * from './lib/peer-node-identity';
