// Entry point of the ai.infer plugin alone (@pimcp/builtin-plugins/ai-infer): an edge node imports it only when
// PIMCP_NODE_PLUGINS names the plugin, so a plugin that is not enabled costs the node no memory (ADR 0018).
import type { PluginContents } from '@pimcp/plugin-sdk';
import { parseAiInferConfig } from './lib/ai/ai-infer.config';
import { aiInferPlugin } from './lib/ai/ai-infer.plugin';

/** The ai.infer plugin from its section of PIMCP_NODE_PLUGIN_CONFIG (the contract of plugin packages too). */
export function pimcpPlugin(config: unknown): PluginContents {
  return aiInferPlugin(parseAiInferConfig(config, 'pluginConfig["ai.infer"]'));
}
