import type { Command } from 'commander';
import { bootstrapRegistry, registryConfig } from '@pimcp/registry-server';

interface UpOptions {
  etcd?: string;
  leaseTtl?: string;
}

/** `pimcp up`: the whole system in one process. Today: the registry; later issues add gateway, context-sync, node. */
export function registerUpCommand(program: Command): void {
  program
    .command('up')
    .description('run PiMCP in this process (embedded stores unless --etcd is given); Ctrl-C stops it')
    .option('--etcd <urls>', 'comma-separated etcd endpoints instead of the embedded store')
    .option('--lease-ttl <seconds>', 'node lease TTL in seconds')
    .action(async (options: UpOptions) => {
      const env = {
        ...process.env,
        ...(options.etcd ? { PIMCP_ETCD_HOSTS: options.etcd } : {}),
        ...(options.leaseTtl ? { PIMCP_REGISTRY_LEASE_TTL_SECONDS: options.leaseTtl } : {}),
      };
      const config = registryConfig.load({ env });
      const registry = await bootstrapRegistry({ config });
      const store = config.etcdHosts.length > 0 ? `etcd at ${config.etcdHosts.join(', ')}` : 'the embedded store';
      process.stdout.write(
        `PiMCP is up on ${store}.\n` +
          `  registry admin API: ${registry.httpUrl}/v1/catalog\n` +
          `  node link:          tcp://${registry.link.host}:${registry.link.port}\n` +
          'Press Ctrl-C to stop.\n',
      );
      await waitForSignal();
      process.stdout.write('stopping...\n');
      await registry.close();
    });
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
