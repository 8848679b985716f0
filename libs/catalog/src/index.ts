export * from './lib/catalog.types';
export * from './lib/catalog-cache.service';
export * from './lib/errors/catalog.exception';
export { toolNames, type AliasParts } from './lib/names/tool-names';
