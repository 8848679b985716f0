import { ConfigError } from '@pimcp/config';
import type { ToolDefinition } from '@pimcp/plugin-sdk';
import type { EdgeNodeConfig } from '../config/edge-node.config';
import { fileReadTool } from './file-read.tool';
import { fileSearchTool } from './file-search.tool';
import { fileWriteTool } from './file-write.tool';
import { PathJail } from './path-jail';
import { systemInfoTool } from './system-info.tool';

/** The tools every edge node offers (file tools only with a file root). */
export async function builtinTools(config: EdgeNodeConfig): Promise<ToolDefinition[]> {
  const tools = [systemInfoTool(config.nodeId)];
  if (config.fileRoot) {
    const jail = await fileJail(config.fileRoot);
    tools.push(
      fileSearchTool(jail, {
        maxResults: config.searchMaxResults,
        maxFilesScanned: config.searchMaxFiles,
        maxDepth: config.searchMaxDepth,
        maxContentBytes: config.maxFileBytes,
        maxTotalBytes: config.searchMaxBytes,
      }),
      fileReadTool(jail, config.maxFileBytes),
    );
    if (config.fileWrite) tools.push(fileWriteTool(jail, config.maxFileBytes));
  }
  return tools;
}

/** A root that does not exist is a configuration mistake, reported at boot rather than on every call. */
async function fileJail(root: string): Promise<PathJail> {
  try {
    return await PathJail.create(root);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : (err as Error).message;
    throw new ConfigError([`PIMCP_NODE_FILE_ROOT=${root} ${reason}; give an existing directory, or leave it empty to offer no file tools`]);
  }
}
