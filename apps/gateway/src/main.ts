/** The gateway as its own process: `node dist/apps/gateway/main.js`, configured by PIMCP_* variables. */
import { Logger } from '@nestjs/common';
import { ConfigError } from '@pimcp/config';
import { configureProcessLogging, startTracingIfConfigured } from '@pimcp/observability/process-setup';
import { gatewayConfig, startGatewayRuntime } from '@pimcp/gateway-server';

async function main(): Promise<void> {
  configureProcessLogging('gateway');
  const tracing = await startTracingIfConfigured('pimcp-gateway');
  const config = gatewayConfig.get();
  if (config.etcdHosts.length === 0) {
    // An embedded store is private to one process; only `pimcp up` can share it with a registry.
    throw new ConfigError(['PIMCP_ETCD_HOSTS is required when the gateway runs as its own process (use `pimcp up` for a single-process system)']);
  }
  const gateway = await startGatewayRuntime({ config });
  Logger.log(`gateway ready: MCP at ${gateway.mcpUrl} (catalog from ${config.etcdHosts.join(',') || 'the embedded store'})`, 'gateway');
  const stop = () => {
    gateway.close().then(() => tracing?.shutdown()).then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
