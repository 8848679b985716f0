import type { ToolDefinition } from '@pimcp/plugin-sdk';
import { conformanceFixtureTools } from './conformance-fixtures.plugin';

/** Plugins a node can load by name (PIMCP_NODE_PLUGINS). Packages loaded by name come with the plugin issue. */
export const KNOWN_PLUGINS: Record<string, () => ToolDefinition[]> = {
  'conformance-fixtures': conformanceFixtureTools,
};

export function pluginTools(names: readonly string[]): ToolDefinition[] {
  const unknown = names.filter((n) => !(n in KNOWN_PLUGINS));
  if (unknown.length > 0) {
    throw new Error(`PIMCP_NODE_PLUGINS names unknown plugins: ${unknown.join(', ')} (known: ${Object.keys(KNOWN_PLUGINS).join(', ')})`);
  }
  return names.flatMap((n) => (KNOWN_PLUGINS[n] as () => ToolDefinition[])());
}
