export * from './lib/tool-definition';
export * from './lib/define-tool';
export * from './lib/to-capability-definition';
export * from './lib/tool-error';
