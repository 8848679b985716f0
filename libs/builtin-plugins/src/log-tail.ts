// Entry point of the log.tail plugin alone (@pimcp/builtin-plugins/log-tail): an edge node imports it only when
// PIMCP_NODE_PLUGINS names the plugin, so a plugin that is not enabled costs the node no memory (ADR 0018).
import type { PluginContents } from '@pimcp/plugin-sdk';
import { parseLogTailConfig } from './lib/log/log-tail.config';
import { logTailPlugin } from './lib/log/log-tail.plugin';

/** The log.tail plugin from its section of PIMCP_NODE_PLUGIN_CONFIG (the contract of plugin packages too). */
export function pimcpPlugin(config: unknown): PluginContents {
  return logTailPlugin(parseLogTailConfig(config, 'pluginConfig["log.tail"]'));
}
