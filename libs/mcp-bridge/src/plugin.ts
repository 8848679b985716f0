// Entry point of the mcp-bridge plugin alone (@pimcp/mcp-bridge/plugin): an edge node imports it, and the MCP
// client SDK with it, only when PIMCP_NODE_PLUGINS names the plugin (ADR 0018).
import type { PluginContents } from '@pimcp/plugin-sdk';
import { parseMcpBridgeConfig } from './lib/config/mcp-bridge.config';
import { mcpBridgePlugin } from './lib/mcp-bridge.plugin';

/** The bridge from its section of PIMCP_NODE_PLUGIN_CONFIG (the contract of plugin packages too). */
export function pimcpPlugin(config: unknown): PluginContents {
  return mcpBridgePlugin(parseMcpBridgeConfig(config, 'pluginConfig["mcp-bridge"]'));
}
