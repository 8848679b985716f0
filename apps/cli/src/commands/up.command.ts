import { chmodSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { RunningEdgeNode } from '@pimcp/edge-node-server';
import { removeUpEndpoints, STATE_DIR, writeUpEndpoints } from '../shared/state-files';
import { DEV_CERTS_DIR } from './certs.command';
import { upTlsEnv, type UpTls } from './up-tls';

interface UpOptions {
  etcd?: string;
  redis?: string;
  nodes: string;
  port?: string;
  fileRoot?: string;
  leaseTtl?: string;
  tls?: boolean;
  certs: string;
}

/** `pimcp up`: registry, gateway and edge nodes in one process; embedded stores unless --etcd/--redis. */
export function registerUpCommand(program: Command): void {
  program
    .command('up')
    .description('run PiMCP in this process (embedded stores unless --etcd/--redis); Ctrl-C stops it')
    .option('--etcd <urls>', 'comma-separated etcd endpoints instead of the embedded registry store')
    .option('--redis <url>', 'Redis URL for sessions, shared contexts and the node link broker instead of in-process state')
    .option('--nodes <n>', 'how many edge nodes to run', '1')
    .option('--port <port>', 'gateway port (default 8080, or PIMCP_GATEWAY_PORT)')
    .option('--file-root <dir>', 'let the nodes\' file.search and file.read read this directory (default: no file tools)')
    .option('--lease-ttl <seconds>', 'node lease TTL in seconds')
    .option('--tls', 'HTTPS on the gateway, registry and context-sync, mTLS on every link between them and the nodes (creates the certificates in --certs if missing)')
    .option('--certs <dir>', 'the development certificates of --tls (pimcp certs init)', DEV_CERTS_DIR)
    .action(async (options: UpOptions) => {
      const { configureProcessLogging, startTracingIfConfigured } = await import('@pimcp/observability/process-setup');
      configureProcessLogging('pimcp-up');
      const tracing = await startTracingIfConfigured('pimcp-up');
      const nodeCount = Number(options.nodes);
      if (!Number.isInteger(nodeCount) || nodeCount < 0 || nodeCount > 32) throw new Error('--nodes takes a whole number from 0 to 32');
      // The services load here, not at start-up, so the other pimcp commands start fast.
      const [{ createContextStore }, { bootstrapContextSync, contextSyncConfig }, { bootstrapEdgeNode, edgeNodeConfig }, { DevCredentials, gatewayConfig, startGatewayRuntime },
        { bootstrapRegistry, registryConfig }, { createRegistryStore }] = await Promise.all([
        import('@pimcp/context-store'), import('@pimcp/context-sync-server'), import('@pimcp/edge-node-server'), import('@pimcp/gateway-server'),
        import('@pimcp/registry-server'), import('@pimcp/registry-store'),
      ]);
      const nodeIds = Array.from({ length: nodeCount }, (_, i) => (nodeCount === 1 ? 'local' : `local-${i + 1}`));
      const tls: UpTls | undefined = options.tls ? await upTlsEnv(resolve(options.certs), nodeIds) : undefined;
      const credentials = DevCredentials.loadOrCreate(STATE_DIR);
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        ...(options.etcd ? { PIMCP_ETCD_HOSTS: options.etcd } : {}),
        ...(options.redis ? { PIMCP_REDIS_URL: options.redis } : {}),
        ...(options.port ? { PIMCP_GATEWAY_PORT: options.port } : {}),
        ...(options.leaseTtl ? { PIMCP_REGISTRY_LEASE_TTL_SECONDS: options.leaseTtl } : {}),
        PIMCP_GATEWAY_JWT_PUBLIC_KEY_FILE: process.env['PIMCP_GATEWAY_JWT_PUBLIC_KEY_FILE'] ?? credentials.publicKeyFile,
        // The gateway signs each node invocation with the development key; the nodes (and any node started
        // separately with this file) trust its public half (docs/security/node-invocation.md).
        PIMCP_GATEWAY_INVOCATION_KEY_FILE: process.env['PIMCP_GATEWAY_INVOCATION_KEY_FILE'] ?? credentials.invocationKeyFile,
        ...(process.env['PIMCP_NODE_INVOCATION_JWKS_URL'] ? {} : { PIMCP_NODE_INVOCATION_KEYS_FILE: process.env['PIMCP_NODE_INVOCATION_KEYS_FILE'] ?? credentials.invocationPublicKeyFile }),
        // A file `pimcp audit` can read from another shell.
        PIMCP_GATEWAY_AUDIT: process.env['PIMCP_GATEWAY_AUDIT'] ?? 'file',
        PIMCP_GATEWAY_AUDIT_FILE: process.env['PIMCP_GATEWAY_AUDIT_FILE'] ?? join(STATE_DIR, 'audit.jsonl'),
      };
      // With --tls each service presents its own certificate (and the nodes their node identity).
      const envOf = (service: string): NodeJS.ProcessEnv => ({ ...env, ...tls?.envOf(service) });
      const regConfig = registryConfig.load({ env: envOf('registry') });
      const gwConfig = gatewayConfig.load({ env: envOf('gateway') });
      // One embedded store serves registry and gateway alike; with etcd each opens its own client.
      const sharedStore = regConfig.etcdHosts.length === 0 ? createRegistryStore({}) : undefined;
      // Without Redis, one in-memory context store is the shared memory of the gateway and every node.
      const sharedContexts = options.redis ? undefined : createContextStore({});
      const registry = await bootstrapRegistry({ config: regConfig, ...(sharedStore ? { store: sharedStore } : {}) });
      const contextSync = await bootstrapContextSync({ config: contextSyncConfig.load({ env: envOf('context-sync') }), ...(sharedContexts ? { store: sharedContexts } : {}) });
      const gateway = await startGatewayRuntime({
        config: gwConfig, ...(sharedStore ? { registryStore: sharedStore } : {}), ...(sharedContexts ? { contextStore: sharedContexts } : {}),
      });
      const nodes: RunningEdgeNode[] = [];
      for (const nodeId of nodeIds) {
        const config = edgeNodeConfig.load({
          env: {
            ...envOf(`node-${nodeId}`),
            PIMCP_NODE_ID: nodeId,
            PIMCP_REGISTRY_URL: `tcp://${registry.link.host}:${registry.link.port}`,
            ...(options.fileRoot ? { PIMCP_NODE_FILE_ROOT: resolve(options.fileRoot) } : {}),
          },
        });
        nodes.push(await bootstrapEdgeNode({ config, ...(sharedContexts ? { contextStore: sharedContexts } : {}) }));
      }
      const tokenFile = join(STATE_DIR, 'dev-token');
      writeFileSync(tokenFile, `${credentials.mintToken({ subject: 'dev', audience: gateway.mcpUrl })}\n`, { mode: 0o600 });
      chmodSync(tokenFile, 0o600);
      // Lets `pimcp tools list` and the other commands run in this folder find this instance, whatever ports it got.
      writeUpEndpoints({
        pid: process.pid, mcpUrl: gateway.mcpUrl, registryAdminUrl: registry.httpUrl, contextStatsUrl: contextSync.httpUrl, ...(tls ? { caFile: tls.caFile } : {}),
      });
      const stores = `${regConfig.etcdHosts.length > 0 ? `etcd at ${regConfig.etcdHosts.join(', ')}` : 'the embedded store'}` +
        `${gwConfig.redisUrl ? ', sessions in Redis' : ''}`;
      process.stdout.write(
        `PiMCP is up on ${stores}.\n` +
          `  MCP endpoint:       ${gateway.mcpUrl}\n` +
          `  client token:       ${tokenFile} (development token, mode 0600; send it as "Authorization: Bearer <token>")\n` +
          `  edge nodes:         ${nodes.map((n) => `${n.nodeId} (${n.linkAddress})`).join(', ') || 'none'}\n` +
          `  dashboard:          ${new URL(gateway.mcpUrl).origin}/ui (sign in with the client token)\n` +
          `  registry admin API: ${registry.httpUrl}/v1/catalog\n` +
          `  context stats:      ${contextSync.httpUrl}/v1/stats\n` +
          `  node link:          tcp://${registry.link.host}:${registry.link.port}\n` +
          `  invocation keys:    ${env['PIMCP_NODE_INVOCATION_KEYS_FILE'] ?? env['PIMCP_NODE_INVOCATION_JWKS_URL']} (nodes started separately trust this; PIMCP_NODE_INVOCATION_KEYS_FILE)\n` +
          `  audit:              ${gwConfig.audit === 'file' ? gwConfig.auditFile : gwConfig.audit} (pimcp audit)\n` +
          (tls ? `  TLS:                mTLS between the services and nodes, HTTPS endpoints; certificates in ${tls.dir}${tls.issued.length ? ` (issued now: ${tls.issued.join(', ')})` : ''}\n` +
            `  CA:                 ${tls.caFile} (pimcp commands in this folder trust it; elsewhere --ca-file, PIMCP_CA_FILE or NODE_EXTRA_CA_CERTS)\n` : '') +
          `Connect a desktop client with: pimcp connect ${gateway.mcpUrl} --token-file ${tokenFile}${tls ? ` --ca-file ${tls.caFile}` : ''}\n` +
          'Press Ctrl-C to stop.\n',
      );
      await waitForSignal();
      process.stdout.write('stopping...\n');
      removeUpEndpoints(process.pid);
      await Promise.all(nodes.map((n) => n.shutdown()));
      await gateway.close();
      await contextSync.close();
      await registry.close();
      await sharedStore?.close();
      await sharedContexts?.close();
      await tracing?.shutdown();
    });
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
