import type { PluginContents } from '@pimcp/plugin-sdk';
import type { HttpRequestConfig } from './http-request.config';
import { httpRequestTool, type HttpRequestDeps } from './http-request.tool';

/** The `http.request` plugin; with no allowed host it offers nothing (deny by default). */
export function httpRequestPlugin(config: HttpRequestConfig, deps: HttpRequestDeps = {}): PluginContents {
  return { tools: config.allow.length > 0 ? [httpRequestTool(config, deps)] : [] };
}
