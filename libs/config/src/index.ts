export * from './lib/setting';
export * from './lib/config-error';
export * from './lib/config-loader';
export * from './lib/parse-setting';
