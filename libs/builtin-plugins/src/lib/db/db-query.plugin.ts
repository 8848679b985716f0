import type { PluginContents } from '@pimcp/plugin-sdk';
import type { DbQueryConfig } from './db-query.config';
import { dbQueryTool } from './db-query.tool';

/** The `db.query` plugin; with no named databases it offers nothing (deny by default). */
export function dbQueryPlugin(config: DbQueryConfig): PluginContents {
  return { tools: config.databases.size > 0 ? [dbQueryTool(config)] : [] };
}
