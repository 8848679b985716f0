/** The registry as its own process: `node dist/apps/registry/main.js`, configured by PIMCP_* variables. */
import { Logger } from '@nestjs/common';
import { ConfigError } from '@pimcp/config';
import { configureProcessLogging, startTracingIfConfigured } from '@pimcp/observability/process-setup';
import { bootstrapRegistry, registryConfig } from '@pimcp/registry-server';

async function main(): Promise<void> {
  configureProcessLogging('registry');
  const tracing = await startTracingIfConfigured('pimcp-registry');
  const config = registryConfig.get();
  const registry = await bootstrapRegistry({ config });
  const stop = () => {
    registry.close().then(() => tracing?.shutdown()).then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  Logger.log(
    `registry ready: admin ${registry.httpUrl}/v1, node link tcp://${registry.link.host}:${registry.link.port}, ` +
      `store ${config.etcdHosts.length > 0 ? `etcd ${config.etcdHosts.join(',')}` : 'embedded'}`,
    'registry',
  );
}

main().catch((err: unknown) => {
  // A config error already names the variable to change; print it without a stack.
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
