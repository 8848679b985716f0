import { Logger } from '@nestjs/common';
import { ConfigError } from '@pimcp/config';
import type { PluginContents } from '@pimcp/plugin-sdk';
import { PimcpError } from '@pimcp/protocol';
import { conformanceFixtures } from './conformance-fixtures.plugin';
import { contextDemo } from './context-demo.plugin';
import { loadPackagePlugin, PACKAGE_NAME } from './package-plugin.loader';
import { routingFixtures, type RoutingFixturesConfig } from './routing-fixtures.plugin';

/** What a plugin learns about the node that loads it. */
export interface PluginHost {
  nodeId: string;
}

/** What every enabled plugin contributes, with their start and stop hooks combined. */
export type LoadedPlugins = Required<Omit<PluginContents, 'ready' | 'close'>> & { ready(): Promise<void>; close(): Promise<void> };

/** Builds one plugin from its section of PIMCP_NODE_PLUGIN_CONFIG. */
export type PluginFactory = (config: unknown, host: PluginHost) => PluginContents | Promise<PluginContents>;

/** A plugin's own entry point: `pimcpPlugin(config)`, the contract of plugin packages too. */
interface PluginModule {
  pimcpPlugin(config: unknown, host: PluginHost): PluginContents;
}

/**
 * A plugin whose module is imported only when a node names it: its code and its dependencies (the AWS SDK, a
 * database driver) cost an idle node no memory otherwise (ADR 0018). `load` is `() => import('<entry point>')`.
 */
export function lazy(load: () => Promise<PluginModule>): PluginFactory {
  return async (config, host) => (await load()).pimcpPlugin(config, host);
}

/**
 * Built-in plugins by name; each gets its section of PIMCP_NODE_PLUGIN_CONFIG (the key is the plugin's name).
 * One line each: a built-in plugin of libs/builtin-plugins is `lazy(() => import('@pimcp/builtin-plugins/<entry>'))`.
 */
export const KNOWN_PLUGINS: Record<string, PluginFactory> = {
  'shell.run': lazy(() => import('@pimcp/builtin-plugins/shell-run')),
  'http.request': lazy(() => import('@pimcp/builtin-plugins/http-request')),
  'log.tail': lazy(() => import('@pimcp/builtin-plugins/log-tail')),
  'db.query': lazy(() => import('@pimcp/builtin-plugins/db-query')),
  storage: lazy(() => import('@pimcp/builtin-plugins/storage')),
  vector: lazy(() => import('@pimcp/builtin-plugins/vector')),
  'ai.infer': lazy(() => import('@pimcp/builtin-plugins/ai-infer')),
  'conformance-fixtures': () => conformanceFixtures(),
  'context-demo': () => contextDemo(),
  'routing-fixtures': (config, host) => routingFixtures(host.nodeId, (config ?? {}) as RoutingFixturesConfig),
  'mcp-bridge': lazy(() => import('@pimcp/mcp-bridge/plugin')),
};

/**
 * Everything the named plugins contribute, in the order named: built-in ones, else npm packages installed next to
 * the node. A bad plugin config stops the node at boot with every problem named.
 */
export async function loadPlugins(names: readonly string[], pluginConfig: Readonly<Record<string, unknown>> = {}, host: PluginHost = { nodeId: 'node' }): Promise<LoadedPlugins> {
  const logger = new Logger('plugins');
  const unused = Object.keys(pluginConfig).filter((key) => !names.includes(key));
  if (unused.length > 0) logger.warn(`PIMCP_NODE_PLUGIN_CONFIG has sections for plugins that are not enabled: ${unused.join(', ')}`);
  const unknown = names.find((name) => !Object.hasOwn(KNOWN_PLUGINS, name) && !PACKAGE_NAME.test(name));
  if (unknown !== undefined) {
    throw new ConfigError([`PIMCP_NODE_PLUGINS names "${unknown}", which is not a plugin (built-in: ${Object.keys(KNOWN_PLUGINS).join(', ')}; or an npm package name)`]);
  }
  const loaded: PluginContents[] = [];
  // One after the other, in the order named: the first bad config stops the boot with a stable message.
  for (const name of names) loaded.push(await loadOne(name, pluginConfig[name], host, logger));
  return {
    get tools() { return loaded.flatMap((p) => p.tools ?? []); },
    get resources() { return loaded.flatMap((p) => p.resources ?? []); },
    get resourceTemplates() { return loaded.flatMap((p) => p.resourceTemplates ?? []); },
    get prompts() { return loaded.flatMap((p) => p.prompts ?? []); },
    onOfferingsChanged: (listener) => loaded.forEach((p) => p.onOfferingsChanged?.(listener)),
    ready: async () => {
      await Promise.all(loaded.map((p) => p.ready?.()));
    },
    close: async () => {
      // One plugin failing to close must not keep the others' files and connections open.
      const results = await Promise.allSettled(loaded.map(async (p) => p.close?.()));
      results.forEach((r, i) => r.status === 'rejected' && logger.warn(`plugin ${names[i]} did not close cleanly: ${String(r.reason)}`));
    },
  };
}

async function loadOne(name: string, config: unknown, host: PluginHost, logger: Logger): Promise<PluginContents> {
  const builtIn = Object.hasOwn(KNOWN_PLUGINS, name) ? KNOWN_PLUGINS[name] : undefined;
  try {
    const contents = builtIn ? await builtIn(config, host) : loadPackagePlugin(name, config);
    if (!contents.onOfferingsChanged && (contents.tools?.length ?? 0) + (contents.resources?.length ?? 0) + (contents.prompts?.length ?? 0) + (contents.resourceTemplates?.length ?? 0) === 0) {
      logger.warn(`plugin ${name} is enabled but offers nothing: give it a section in PIMCP_NODE_PLUGIN_CONFIG (deny by default)`);
    }
    return contents;
  } catch (error) {
    if (error instanceof PimcpError) throw new ConfigError([`plugin ${name}: ${error.message}`]);
    throw error;
  }
}
