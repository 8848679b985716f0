import type { CapabilityDefinition } from '@pimcp/protocol';

/** A node that can run a tool, as the router sees it. */
export interface ToolProvider {
  nodeId: string;
  linkAddress: string;
  draining: boolean;
  /** Placement labels (tier, region, gpu, maxConcurrent, ...): what the router scores and selectors match. */
  labels?: Readonly<Record<string, string>>;
}

/** A name a client called, resolved to the capability and the nodes that offer it. */
export interface ResolvedTool {
  /** The capability's own name on the nodes (an alias `<node>.<tool>` resolves to `<tool>`). */
  capabilityName: string;
  definition: CapabilityDefinition;
  providers: readonly ToolProvider[];
}

/** An entry of the federated tools/list. */
export interface ListedTool {
  name: string;
  definition: CapabilityDefinition;
}

/** The gateway's in-memory view of the federated catalog. Never touches a store on the call path. */
export interface ToolCatalog {
  /** Every listed tool, plain names and `<node-id>.<tool>` aliases, sorted by name. */
  listTools(): ListedTool[];
  resolve(name: string): ResolvedTool | undefined;
  /** Fires when the visible list changes; returns an unsubscribe function. */
  onToolsChanged(listener: () => void): () => void;
}
