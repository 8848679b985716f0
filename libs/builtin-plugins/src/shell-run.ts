// Entry point of the shell.run plugin alone (@pimcp/builtin-plugins/shell-run): an edge node imports it only when
// PIMCP_NODE_PLUGINS names the plugin, so a plugin that is not enabled costs the node no memory (ADR 0018).
import type { PluginContents } from '@pimcp/plugin-sdk';
import { parseShellRunConfig } from './lib/shell/shell-run.config';
import { shellRunPlugin } from './lib/shell/shell-run.plugin';

/** The shell.run plugin from its section of PIMCP_NODE_PLUGIN_CONFIG (the contract of plugin packages too). */
export function pimcpPlugin(config: unknown): PluginContents {
  return shellRunPlugin(parseShellRunConfig(config, 'pluginConfig["shell.run"]'));
}
