import type { PromptDefinition, ResourceDefinition, ResourceTemplateDefinition } from '@pimcp/protocol';
import type { ToolProvider } from './tool-catalog.port';

export interface OfferingsChange {
  resources: boolean;
  prompts: boolean;
}

/** The federated resources, resource templates and prompts, in memory like the tools (ADR 0008). */
export interface OfferingCatalog {
  /** Sorted by URI, one entry per URI across nodes. */
  listResources(): ResourceDefinition[];
  listResourceTemplates(): ResourceTemplateDefinition[];
  listPrompts(): PromptDefinition[];
  /** The nodes that can read `uri`: those listing it, else those with a template that matches it. */
  resourceProviders(uri: string): readonly ToolProvider[];
  promptProviders(name: string): readonly ToolProvider[];
  /** The nodes serving a resource template, for completion of its variables. */
  templateProviders(uriTemplate: string): readonly ToolProvider[];
  onOfferingsChanged(listener: (change: OfferingsChange) => void): () => void;
}
