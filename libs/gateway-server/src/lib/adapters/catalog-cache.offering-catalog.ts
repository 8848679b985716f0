import { UriTemplate } from '@modelcontextprotocol/server';
import type { CatalogCache } from '@pimcp/catalog';
import type { PromptDefinition, ResourceDefinition, ResourceTemplateDefinition } from '@pimcp/protocol';
import type { OfferingCatalog, OfferingsChange } from '../calls/offering-catalog.port';
import type { ToolProvider } from '../calls/tool-catalog.port';

/** The gateway's OfferingCatalog port over the shared CatalogCache. */
export class CatalogCacheOfferingCatalog implements OfferingCatalog {
  /** Templates are compiled once per distinct template string, not per read. */
  private readonly compiled = new Map<string, UriTemplate>();

  constructor(private readonly cache: CatalogCache) {}

  listResources(): ResourceDefinition[] {
    return this.cache.resources().map((r) => r.definition);
  }

  listResourceTemplates(): ResourceTemplateDefinition[] {
    return this.cache.resourceTemplates().map((t) => t.definition);
  }

  listPrompts(): PromptDefinition[] {
    return this.cache.prompts().map((p) => p.definition);
  }

  resourceProviders(uri: string): readonly ToolProvider[] {
    const fixed = this.cache.resource(uri);
    if (fixed) return fixed.providers;
    // A URI may match templates of several nodes; any of them can read it.
    const matching = this.cache.resourceTemplates().filter((t) => this.matcher(t.definition.uriTemplate)?.match(uri));
    return [...new Map(matching.flatMap((t) => t.providers).map((p) => [p.nodeId, p])).values()];
  }

  promptProviders(name: string): readonly ToolProvider[] {
    return this.cache.prompt(name)?.providers ?? [];
  }

  templateProviders(uriTemplate: string): readonly ToolProvider[] {
    return this.cache.resourceTemplates().find((t) => t.definition.uriTemplate === uriTemplate)?.providers ?? [];
  }

  onOfferingsChanged(listener: (change: OfferingsChange) => void): () => void {
    return this.cache.onChange((change) => {
      if (change.resourcesChanged || change.promptsChanged) listener({ resources: change.resourcesChanged, prompts: change.promptsChanged });
    });
  }

  /** A template the SDK cannot parse (it was validated only as a URI at join) matches nothing. */
  private matcher(template: string): UriTemplate | undefined {
    if (!this.compiled.has(template)) {
      let compiled: UriTemplate | undefined;
      try {
        compiled = new UriTemplate(template);
      } catch {
        compiled = undefined;
      }
      if (this.compiled.size > 10_000) this.compiled.clear();
      this.compiled.set(template, compiled as UriTemplate);
    }
    return this.compiled.get(template);
  }
}
