// Entry point of the http.request plugin alone (@pimcp/builtin-plugins/http-request): an edge node imports it only when
// PIMCP_NODE_PLUGINS names the plugin, so a plugin that is not enabled costs the node no memory (ADR 0018).
import type { PluginContents } from '@pimcp/plugin-sdk';
import { parseHttpRequestConfig } from './lib/http/http-request.config';
import { httpRequestPlugin } from './lib/http/http-request.plugin';

/** The http.request plugin from its section of PIMCP_NODE_PLUGIN_CONFIG (the contract of plugin packages too). */
export function pimcpPlugin(config: unknown): PluginContents {
  return httpRequestPlugin(parseHttpRequestConfig(config, 'pluginConfig["http.request"]'));
}
