import type { PromptDefinition, ResourceDefinition, ResourceTemplateDefinition } from '@pimcp/protocol';
import type { OfferingCatalog, OfferingsChange } from '../lib/calls/offering-catalog.port';
import type { ToolProvider } from '../lib/calls/tool-catalog.port';

const NODE_A: ToolProvider = { nodeId: 'node-a', linkAddress: 'tcp://127.0.0.1:1', draining: false };

/** An in-memory offering catalog for the gateway's unit tier (exact URIs only; templates match by prefix before "{"). */
export class FakeOfferingCatalog implements OfferingCatalog {
  private readonly resources = new Map<string, { definition: ResourceDefinition; providers: ToolProvider[] }>();
  private readonly templates = new Map<string, { definition: ResourceTemplateDefinition; providers: ToolProvider[] }>();
  private readonly prompts = new Map<string, { definition: PromptDefinition; providers: ToolProvider[] }>();
  private readonly listeners = new Set<(change: OfferingsChange) => void>();

  addResource(definition: ResourceDefinition, providers = [NODE_A]): void {
    this.resources.set(definition.uri, { definition, providers });
    this.listeners.forEach((l) => l({ resources: true, prompts: false }));
  }

  addTemplate(definition: ResourceTemplateDefinition, providers = [NODE_A]): void {
    this.templates.set(definition.uriTemplate, { definition, providers });
    this.listeners.forEach((l) => l({ resources: true, prompts: false }));
  }

  addPrompt(definition: PromptDefinition, providers = [NODE_A]): void {
    this.prompts.set(definition.name, { definition, providers });
    this.listeners.forEach((l) => l({ resources: false, prompts: true }));
  }

  listResources(): ResourceDefinition[] {
    return sorted(this.resources).map((e) => e.definition);
  }

  listResourceTemplates(): ResourceTemplateDefinition[] {
    return sorted(this.templates).map((e) => e.definition);
  }

  listPrompts(): PromptDefinition[] {
    return sorted(this.prompts).map((e) => e.definition);
  }

  resourceProviders(uri: string): readonly ToolProvider[] {
    const fixed = this.resources.get(uri);
    if (fixed) return fixed.providers;
    const template = [...this.templates.entries()].find(([t]) => uri.startsWith(t.slice(0, t.indexOf('{'))));
    return template?.[1].providers ?? [];
  }

  promptProviders(name: string): readonly ToolProvider[] {
    return this.prompts.get(name)?.providers ?? [];
  }

  templateProviders(uriTemplate: string): readonly ToolProvider[] {
    return this.templates.get(uriTemplate)?.providers ?? [];
  }

  onOfferingsChanged(listener: (change: OfferingsChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

function sorted<T>(map: Map<string, T>): T[] {
  return [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
}
