import type { CatalogCache } from '@pimcp/catalog';
import type { ListedTool, ResolvedTool, ToolCatalog } from '../calls/tool-catalog.port';

/** The gateway's ToolCatalog port over the shared CatalogCache (which follows the registry's watch). */
export class CatalogCacheToolCatalog implements ToolCatalog {
  constructor(private readonly cache: CatalogCache) {}

  listTools(): ListedTool[] {
    return [...this.cache.tools({ includeAliases: true })];
  }

  resolve(name: string): ResolvedTool | undefined {
    return this.cache.resolve(name);
  }

  onToolsChanged(listener: () => void): () => void {
    return this.cache.onChange((change) => {
      if (change.toolsChanged || change.aliasesChanged) listener();
    });
  }
}
