/** context-sync as its own process: `node dist/apps/context-sync/main.js`, configured by PIMCP_* variables. */
import { Logger } from '@nestjs/common';
import { ConfigError } from '@pimcp/config';
import { configureProcessLogging, startTracingIfConfigured } from '@pimcp/observability/process-setup';
import { bootstrapContextSync, contextSyncConfig } from '@pimcp/context-sync-server';

async function main(): Promise<void> {
  configureProcessLogging('context-sync');
  const tracing = await startTracingIfConfigured('pimcp-context-sync');
  const config = contextSyncConfig.get();
  const service = await bootstrapContextSync({ config });
  Logger.log(`context-sync ready: stats ${service.httpUrl}/v1/stats, leader election ${config.etcdHosts.length > 0 ? `etcd ${config.etcdHosts.join(',')}` : 'alone (no PIMCP_ETCD_HOSTS)'}`, 'context-sync');
  const stop = () => {
    service.close().then(() => tracing?.shutdown()).then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  // A config error already names the variable to change; print it without a stack.
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
