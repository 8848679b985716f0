import { Logger } from '@nestjs/common';
import { aiInferPlugin, parseAiInferConfig } from '@pimcp/builtin-plugins';
import {
  dbQueryPlugin, httpRequestPlugin, logTailPlugin, parseDbQueryConfig, parseHttpRequestConfig, parseLogTailConfig,
  parseShellRunConfig, parseStorageConfig, parseVectorConfig, shellRunPlugin, storagePlugin, vectorPlugin,
} from '@pimcp/builtin-plugins';
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

/** Built-in plugins by name; each gets its section of PIMCP_NODE_PLUGIN_CONFIG (the key is the plugin's name). */
export const KNOWN_PLUGINS: Record<string, (config: unknown, host: PluginHost) => PluginContents> = {
  'shell.run': (config) => shellRunPlugin(parseShellRunConfig(config, 'pluginConfig["shell.run"]')),
  'http.request': (config) => httpRequestPlugin(parseHttpRequestConfig(config, 'pluginConfig["http.request"]')),
  'log.tail': (config) => logTailPlugin(parseLogTailConfig(config, 'pluginConfig["log.tail"]')),
  'db.query': (config) => dbQueryPlugin(parseDbQueryConfig(config, 'pluginConfig["db.query"]')),
  storage: (config) => storagePlugin(parseStorageConfig(config, 'pluginConfig.storage')),
  vector: (config) => vectorPlugin(parseVectorConfig(config, 'pluginConfig.vector')),
  'ai.infer': (config) => aiInferPlugin(parseAiInferConfig(config, 'pluginConfig["ai.infer"]')),
  'conformance-fixtures': () => conformanceFixtures(),
  'context-demo': () => contextDemo(),
  'routing-fixtures': (config, host) => routingFixtures(host.nodeId, (config ?? {}) as RoutingFixturesConfig),
};

/**
 * Everything the named plugins contribute, in the order named: built-in ones, else npm packages installed next to
 * the node. A bad plugin config stops the node at boot with every problem named.
 */
export function loadPlugins(names: readonly string[], pluginConfig: Readonly<Record<string, unknown>> = {}, host: PluginHost = { nodeId: 'node' }): LoadedPlugins {
  const logger = new Logger('plugins');
  const unused = Object.keys(pluginConfig).filter((key) => !names.includes(key));
  if (unused.length > 0) logger.warn(`PIMCP_NODE_PLUGIN_CONFIG has sections for plugins that are not enabled: ${unused.join(', ')}`);
  const loaded = names.map((name) => {
    const builtIn = KNOWN_PLUGINS[name];
    if (!builtIn && !PACKAGE_NAME.test(name)) {
      throw new ConfigError([`PIMCP_NODE_PLUGINS names "${name}", which is not a plugin (built-in: ${Object.keys(KNOWN_PLUGINS).join(', ')}; or an npm package name)`]);
    }
    try {
      const contents = builtIn ? builtIn(pluginConfig[name], host) : loadPackagePlugin(name, pluginConfig[name]);
      if ((contents.tools?.length ?? 0) + (contents.resources?.length ?? 0) + (contents.prompts?.length ?? 0) + (contents.resourceTemplates?.length ?? 0) === 0) {
        logger.warn(`plugin ${name} is enabled but offers nothing: give it a section in PIMCP_NODE_PLUGIN_CONFIG (deny by default)`);
      }
      return contents;
    } catch (error) {
      if (error instanceof PimcpError) throw new ConfigError([`plugin ${name}: ${error.message}`]);
      throw error;
    }
  });
  return {
    tools: loaded.flatMap((p) => p.tools ?? []),
    resources: loaded.flatMap((p) => p.resources ?? []),
    resourceTemplates: loaded.flatMap((p) => p.resourceTemplates ?? []),
    prompts: loaded.flatMap((p) => p.prompts ?? []),
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
