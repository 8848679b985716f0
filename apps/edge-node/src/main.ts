/** The edge node as its own process: `node dist/apps/edge-node/main.js`, configured by PIMCP_* variables. */
// First: it loads @nestjs/common without building ICU date formatters (ADR 0018); imports below reuse that module.
import { configureProcessLogging, startTracingIfConfigured } from '@pimcp/observability/process-setup';
import { unwatchFile, watchFile } from 'node:fs';
import { Logger } from '@nestjs/common';
import { CONFIG_FILE_ENV, ConfigError } from '@pimcp/config';
import { bootstrapEdgeNode, edgeNodeConfig, type RunningEdgeNode } from '@pimcp/edge-node-server';

/** How often the PIMCP_CONFIG file is checked for changes (stat polling survives editors that replace the file). */
const CONFIG_POLL_MS = 200;

async function main(): Promise<void> {
  configureProcessLogging('edge-node');
  const tracing = await startTracingIfConfigured('pimcp-edge-node');
  const config = edgeNodeConfig.get();
  const node = await bootstrapEdgeNode({ config });
  Logger.log(`edge node ${node.nodeId} ready: link ${node.linkAddress}, registry ${config.registryUrl}${node.localMcpUrl ? `, local MCP ${node.localMcpUrl}` : ''}`, 'edge-node');
  const configFile = process.env[CONFIG_FILE_ENV];
  const reload = (why: string) => void reloadPlugins(node, why);
  process.on('SIGHUP', () => reload('SIGHUP'));
  if (configFile) watchFile(configFile, { interval: CONFIG_POLL_MS }, (now, before) => now.mtimeMs !== before.mtimeMs && reload(`${configFile} changed`));
  const stop = (signal: string) => {
    Logger.log(`${signal}: leaving the registry and finishing in-flight calls`, 'edge-node');
    if (configFile) unwatchFile(configFile);
    node.shutdown().then(() => tracing?.shutdown()).then(() => process.exit(0), (err: unknown) => {
      console.error(err);
      process.exit(1);
    });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

/** Re-reads the config and applies its plugins and pluginConfig; a bad config is logged and changes nothing. */
async function reloadPlugins(node: RunningEdgeNode, why: string): Promise<void> {
  try {
    const change = await node.reloadPlugins(edgeNodeConfig.load());
    Logger.log(`${why}: plugins loaded [${change.loaded.join(', ')}], closed [${change.closed.join(', ')}]`, 'edge-node');
  } catch (err) {
    Logger.error(`${why}: plugin config not applied, the node keeps its plugins: ${err instanceof Error ? err.message : String(err)}`, 'edge-node');
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
