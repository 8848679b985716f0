// Built-in plugins of an edge node: each denies by default and is configured per node.
export * from './lib/shell/shell-run.config';
export * from './lib/shell/shell-run.tool';
export * from './lib/shell/shell-run.plugin';
export * from './lib/http/http-request.config';
export * from './lib/http/http-request.tool';
export * from './lib/http/http-request.plugin';
export * from './lib/http/address-policy';
export * from './lib/http/host-pattern';
export * from './lib/log/log-tail.config';
export * from './lib/log/log-tail.tool';
export * from './lib/log/log-tail.plugin';
export * from './lib/db/db-query.config';
export * from './lib/db/db-query.tool';
export * from './lib/db/db-query.plugin';
