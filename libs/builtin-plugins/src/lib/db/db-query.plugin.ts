import type { PluginContents } from '@pimcp/plugin-sdk';
import type { DbQueryConfig } from './db-query.config';
import { dbQueryTool } from './db-query.tool';
import { PostgresPools } from './postgres-query';

/** The `db.query` plugin; with no named databases it offers nothing (deny by default). PostgreSQL pools close with it. */
export function dbQueryPlugin(config: DbQueryConfig): PluginContents {
  if (config.databases.size === 0) return { tools: [] };
  const pools = new PostgresPools();
  return { tools: [dbQueryTool(config, pools)], close: () => pools.close() };
}
