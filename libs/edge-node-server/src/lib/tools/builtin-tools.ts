import type { ToolDefinition } from '@pimcp/plugin-sdk';
import type { EdgeNodeConfig } from '../config/edge-node.config';
import { pluginTools } from '../plugins/known-plugins';
import { fileReadTool } from './file-read.tool';
import { fileSearchTool } from './file-search.tool';
import { PathJail } from './path-jail';
import { systemInfoTool } from './system-info.tool';

/** The tools every edge node offers (file tools only with a file root), plus the plugins it names. */
export async function builtinTools(config: EdgeNodeConfig): Promise<ToolDefinition[]> {
  const tools = [systemInfoTool(config.nodeId)];
  if (config.fileRoot) {
    const jail = await PathJail.create(config.fileRoot);
    tools.push(
      fileSearchTool(jail, { maxResults: 1000, maxFilesScanned: 50_000, maxDepth: 32, maxContentBytes: config.maxFileBytes }),
      fileReadTool(jail, config.maxFileBytes),
    );
  }
  return [...tools, ...pluginTools(config.plugins)];
}
