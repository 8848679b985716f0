import type { PluginContents } from '@pimcp/plugin-sdk';
import type { LogTailConfig } from './log-tail.config';
import { logTailTool } from './log-tail.tool';

/** The `log.tail` plugin; with no named logs it offers nothing (deny by default). */
export function logTailPlugin(config: LogTailConfig): PluginContents {
  return { tools: config.logs.size > 0 ? [logTailTool(config)] : [] };
}
