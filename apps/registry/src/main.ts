/** The registry as its own process: `node dist/apps/registry/main.js`, configured by PIMCP_* variables. */
import { Logger } from '@nestjs/common';
import { ConfigError } from '@pimcp/config';
import { configureProcessLogging } from '@pimcp/observability';
import { bootstrapRegistry, registryConfig } from '@pimcp/registry-server';

async function main(): Promise<void> {
  configureProcessLogging('registry');
  const config = registryConfig.get();
  const registry = await bootstrapRegistry({ config });
  registry.app.enableShutdownHooks();
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
