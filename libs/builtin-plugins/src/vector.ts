// Entry point of the vector plugin alone (@pimcp/builtin-plugins/vector): an edge node imports it only when
// PIMCP_NODE_PLUGINS names the plugin, so a plugin that is not enabled costs the node no memory (ADR 0018).
import type { PluginContents } from '@pimcp/plugin-sdk';
import { parseVectorConfig } from './lib/vector/vector.config';
import { vectorPlugin } from './lib/vector/vector.plugin';

/** The vector plugin from its section of PIMCP_NODE_PLUGIN_CONFIG (the contract of plugin packages too). */
export function pimcpPlugin(config: unknown): PluginContents {
  return vectorPlugin(parseVectorConfig(config, 'pluginConfig.vector'));
}
