export * from './lib/config/edge-node.config';
export * from './lib/bootstrap-edge-node';
export * from './lib/tools/path-jail';
