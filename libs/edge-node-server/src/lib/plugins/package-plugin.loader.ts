import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ConfigError } from '@pimcp/config';
import { checkToolSchemas, type PluginContents } from '@pimcp/plugin-sdk';

/** npm package names (scoped or not): what PIMCP_NODE_PLUGINS may name besides the built-in plugins. */
export const PACKAGE_NAME = /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/;

/**
 * Loads a plugin package installed next to the node (resolved from its working directory, outside the bundle).
 * The package exports `pimcpPlugin(config) => PluginContents` (or that function as its default export).
 * Its tools' schemas are checked in full here; a refused one throws INVALID_MANIFEST naming the tool and field.
 */
export function loadPackagePlugin(name: string, config: unknown, from = process.cwd()): PluginContents {
  const load = createRequire(join(from, 'pimcp-plugins.js'));
  let exported: { pimcpPlugin?: unknown; default?: unknown };
  try {
    exported = load(name) as typeof exported;
  } catch (error) {
    throw new ConfigError([`PIMCP_NODE_PLUGINS names "${name}", which is neither a built-in plugin nor an installed package (${(error as Error).message.split('\n')[0]}); npm install it next to the node`]);
  }
  const factory = typeof exported.pimcpPlugin === 'function' ? exported.pimcpPlugin : typeof exported.default === 'function' ? exported.default : undefined;
  if (!factory) throw new ConfigError([`plugin package "${name}" exports no pimcpPlugin(config) function`]);
  const contents = (factory as (config: unknown) => PluginContents)(config);
  if (!contents || typeof contents !== 'object') throw new ConfigError([`plugin package "${name}": pimcpPlugin() returned no plugin contents`]);
  // Its schemas were not checked in full by defineTool (ADR 0023): a bad one must stop this boot or reload here,
  // not make the registry refuse the node's every join.
  checkToolSchemas(contents.tools ?? []);
  return contents;
}
