export * from './generators/plugin/plugin.generator';
