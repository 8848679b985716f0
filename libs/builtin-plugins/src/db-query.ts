// Entry point of the db.query plugin alone (@pimcp/builtin-plugins/db-query): an edge node imports it only when
// PIMCP_NODE_PLUGINS names the plugin, so a plugin that is not enabled costs the node no memory (ADR 0018).
import type { PluginContents } from '@pimcp/plugin-sdk';
import { parseDbQueryConfig } from './lib/db/db-query.config';
import { dbQueryPlugin } from './lib/db/db-query.plugin';

/** The db.query plugin from its section of PIMCP_NODE_PLUGIN_CONFIG (the contract of plugin packages too). */
export function pimcpPlugin(config: unknown): PluginContents {
  return dbQueryPlugin(parseDbQueryConfig(config, 'pluginConfig["db.query"]'));
}
