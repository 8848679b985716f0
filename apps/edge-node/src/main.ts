/** The edge node as its own process: `node dist/apps/edge-node/main.js`, configured by PIMCP_* variables. */
import { Logger } from '@nestjs/common';
import { ConfigError } from '@pimcp/config';
import { configureProcessLogging, startTracingIfConfigured } from '@pimcp/observability/process-setup';
import { bootstrapEdgeNode, edgeNodeConfig } from '@pimcp/edge-node-server';

async function main(): Promise<void> {
  configureProcessLogging('edge-node');
  const tracing = await startTracingIfConfigured('pimcp-edge-node');
  const config = edgeNodeConfig.get();
  const node = await bootstrapEdgeNode({ config });
  Logger.log(`edge node ${node.nodeId} ready: link ${node.linkAddress}, registry ${config.registryUrl}${node.localMcpUrl ? `, local MCP ${node.localMcpUrl}` : ''}`, 'edge-node');
  const stop = (signal: string) => {
    Logger.log(`${signal}: leaving the registry and finishing in-flight calls`, 'edge-node');
    node.shutdown().then(() => tracing?.shutdown()).then(() => process.exit(0), (err: unknown) => {
      console.error(err);
      process.exit(1);
    });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
