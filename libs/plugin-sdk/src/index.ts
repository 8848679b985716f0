export * from './lib/tool-definition';
export * from './lib/define-tool';
export * from './lib/to-capability-definition';
export * from './lib/tool-error';
export * from './lib/run/validate-arguments';
export * from './lib/run/run-tool';
export * from './lib/offerings/offering-definitions';
export * from './lib/offerings/define-offerings';
