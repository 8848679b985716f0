import type { PluginContents } from '@pimcp/plugin-sdk';
import { conformanceFixtures } from './conformance-fixtures.plugin';
import { contextDemo } from './context-demo.plugin';

/** Plugins a node can load by name (PIMCP_NODE_PLUGINS). Packages loaded by name come with the plugin issue. */
export const KNOWN_PLUGINS: Record<string, () => PluginContents> = {
  'conformance-fixtures': conformanceFixtures,
  'context-demo': contextDemo,
};

/** Everything the named plugins contribute, in the order named. */
export function loadPlugins(names: readonly string[]): Required<PluginContents> {
  const unknown = names.filter((n) => !(n in KNOWN_PLUGINS));
  if (unknown.length > 0) {
    throw new Error(`PIMCP_NODE_PLUGINS names unknown plugins: ${unknown.join(', ')} (known: ${Object.keys(KNOWN_PLUGINS).join(', ')})`);
  }
  const loaded = names.map((n) => (KNOWN_PLUGINS[n] as () => PluginContents)());
  return {
    tools: loaded.flatMap((p) => p.tools ?? []),
    resources: loaded.flatMap((p) => p.resources ?? []),
    resourceTemplates: loaded.flatMap((p) => p.resourceTemplates ?? []),
    prompts: loaded.flatMap((p) => p.prompts ?? []),
  };
}
