import type { PluginContents } from '@pimcp/plugin-sdk';
import type { ShellRunConfig } from './shell-run.config';
import { shellRunTool } from './shell-run.tool';

/** The `shell.run` plugin; with no allowed executables it offers nothing (deny by default). */
export function shellRunPlugin(config: ShellRunConfig): PluginContents {
  return { tools: config.executables.length > 0 ? [shellRunTool(config)] : [] };
}
