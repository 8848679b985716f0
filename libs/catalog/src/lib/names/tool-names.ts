/**
 * Visible tool names (docs/adr/0006-federated-catalog.md): a capability's own name, or `<nodeId>.<name>` for the
 * alias pinned to one node. Build and split them only here.
 */
export interface AliasParts {
  nodeId: string;
  capabilityName: string;
}

export const toolNames = {
  alias: (nodeId: string, capabilityName: string): string => `${nodeId}.${capabilityName}`,
  /**
   * The alias reading of a name: split at the first dot, since node ids hold no dots and capability names may.
   * Undefined when the name has no dot. Whether the parts name a live node and its capability is the catalog's call.
   */
  splitAlias(name: string): AliasParts | undefined {
    const dot = name.indexOf('.');
    if (dot <= 0 || dot === name.length - 1) return undefined;
    return { nodeId: name.slice(0, dot), capabilityName: name.slice(dot + 1) };
  },
} as const;

/** Code-point order: stable across locales and runtimes, which cursor pagination over the list relies on. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
