// Entry point of the storage plugin alone (@pimcp/builtin-plugins/storage): an edge node imports it only when
// PIMCP_NODE_PLUGINS names the plugin, so a plugin that is not enabled costs the node no memory (ADR 0018).
import type { PluginContents } from '@pimcp/plugin-sdk';
import { parseStorageConfig } from './lib/storage/storage.config';
import { storagePlugin } from './lib/storage/storage.plugin';

/** The storage plugin from its section of PIMCP_NODE_PLUGIN_CONFIG (the contract of plugin packages too). */
export function pimcpPlugin(config: unknown): PluginContents {
  return storagePlugin(parseStorageConfig(config, 'pluginConfig.storage'));
}
