import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createContextStore } from '@pimcp/context-store';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { bootstrapContextSync, contextSyncConfig, type RunningContextSync } from '@pimcp/context-sync-server';
import { defineTool } from '@pimcp/plugin-sdk';
import { ErrorCode } from '@pimcp/protocol';
// The suite runs the gateway against a real registry and a real node; production code never imports them.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { bootstrapEdgeNode, edgeNodeConfig, type RunningEdgeNode } from '@pimcp/edge-node-server';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { bootstrapRegistry, registryConfig, type RunningRegistry } from '@pimcp/registry-server';
import { createRegistryStore, type RegistryStore } from '@pimcp/registry-store';
import { EtcdProcess, pollUntil } from '@pimcp/testing';
import { DEFAULT_DEV_HOSTS, etcdSecurityOf, loadDevCa, writeDevCertificate, writeDevCertificates, type WrittenDevCertificates } from '@pimcp/tls';
// Only to set up etcd users and roles and turn auth on, which no PiMCP port offers (an operator's job).
import { Etcd3 } from 'etcd3';
import { DevCredentials } from './auth/dev-credentials';
import type { RunningGateway } from './bootstrap-gateway';
import { gatewayConfig } from './config/gateway.config';
import { startGatewayRuntime } from './gateway-runtime';

const PREFIX = '/pimcp/v1/';
const REGISTRY_USER = { name: 'pimcp-registry-user', password: 'registry-secret' };
const GATEWAY_USER = { name: 'pimcp-gateway-user', password: 'gateway-secret' };
const CONTEXT_SYNC_USER = { name: 'pimcp-context-sync-user', password: 'context-sync-secret' };

const nodeTools = [
  defineTool<Record<string, never>>({
    name: 'test.echo', description: 'Answers pong', version: '1.0.0', costClass: 'light',
    inputSchema: { type: 'object', properties: {} },
    handler: async () => ({ content: [{ type: 'text', text: 'pong over etcd tls' }] }),
  }),
];

/**
 * etcd as the docs/security/tls.md "etcd" section runs it: https client URLs, --client-cert-auth with the
 * cluster CA, and etcd users with roles. The registry and the gateway reach it only through their
 * PIMCP_ETCD_* settings.
 */
describe('registry and gateway over etcd with TLS, client certificates and users (real etcd)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pimcp-etcd-tls-'));
  const credentials = DevCredentials.loadOrCreate(join(dir, 'dev'));
  let cluster: WrittenDevCertificates;
  let foreign: WrittenDevCertificates;
  let etcd: EtcdProcess;
  let registry: RunningRegistry;
  let node: RunningEdgeNode;
  let gateway: RunningGateway;
  let contextSync: RunningContextSync | undefined;
  const stores: RegistryStore[] = [];
  const clients: Client[] = [];

  function etcdEnv(set: WrittenDevCertificates, service: string, user?: { name: string; password: string }): Record<string, string> {
    const files = set.files[service];
    if (!files) throw new Error(`no certificate for ${service}`);
    return {
      PIMCP_ETCD_HOSTS: etcd.clientUrl, PIMCP_ETCD_TLS_CA_FILE: cluster.caFile, PIMCP_ETCD_TLS_CERT_FILE: files.certFile, PIMCP_ETCD_TLS_KEY_FILE: files.keyFile,
      ...(user ? { PIMCP_ETCD_USERNAME: user.name, PIMCP_ETCD_PASSWORD: user.password } : {}),
    };
  }

  /** A store configured as a service would be from these PIMCP_ETCD_* variables. */
  function storeFrom(env: Record<string, string>): RegistryStore {
    const config = gatewayConfig.load({ env });
    const store = createRegistryStore({ etcdHosts: [...config.etcdHosts], etcd: { ...etcdSecurityOf(config), requestTimeoutMs: 2000 } });
    stores.push(store);
    return store;
  }

  beforeAll(async () => {
    cluster = await writeDevCertificates({ dir: join(dir, 'cluster'), nodeIds: [] });
    foreign = await writeDevCertificates({ dir: join(dir, 'foreign'), nodeIds: [] });
    // etcd's server certificate comes from the same development CA as the services' certificates.
    const etcdFiles = await writeDevCertificate(await loadDevCa(cluster.dir), cluster.dir, 'etcd', {
      commonName: 'etcd', hosts: DEFAULT_DEV_HOSTS, serverAuth: true, clientAuth: true,
    });
    etcd = await EtcdProcess.start({ name: 'tls', tls: { ...etcdFiles, caFile: cluster.caFile } });
    await enableEtcdAuth(etcd.clientUrl, cluster);

    registry = await bootstrapRegistry({
      config: registryConfig.load({ env: { ...etcdEnv(cluster, 'registry', REGISTRY_USER), PIMCP_REGISTRY_HTTP_PORT: '0', PIMCP_REGISTRY_LINK_PORT: '0' } }),
      logger: false,
    });
    node = await bootstrapEdgeNode({
      config: edgeNodeConfig.load({ env: {
        PIMCP_NODE_ID: 'pi-etcd-tls', PIMCP_NODE_LINK_PORT: '0', PIMCP_REGISTRY_URL: `tcp://${registry.link.host}:${registry.link.port}`,
        PIMCP_NODE_INVOCATION_KEYS_FILE: credentials.invocationPublicKeyFile,
      } }),
      tools: nodeTools, logger: false,
    });
    gateway = await startGatewayRuntime({
      config: gatewayConfig.load({ env: {
        ...etcdEnv(cluster, 'gateway', GATEWAY_USER), PIMCP_GATEWAY_PORT: '0',
        PIMCP_GATEWAY_JWT_PUBLIC_KEY_FILE: credentials.publicKeyFile, PIMCP_GATEWAY_INVOCATION_KEY_FILE: credentials.invocationKeyFile,
      } }),
      logger: false,
    });
  }, 120_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await Promise.all(stores.map((s) => s.close().catch(() => undefined)));
    await contextSync?.close();
    await gateway?.close();
    await node?.shutdown();
    await registry?.close();
    await etcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the registry admits a node into etcd and the gateway\'s catalog watch brings its tool, which answers a call', async () => {
    expect(etcd.clientUrl).toMatch(/^https:\/\//);
    const client = new Client({ name: 'etcd-tls', version: '1' });
    clients.push(client);
    const token = credentials.mintToken({ subject: 'alice', audience: gateway.mcpUrl });
    await client.connect(new StreamableHTTPClientTransport(new URL(gateway.mcpUrl), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));

    await pollUntil(async () => (await client.listTools()).tools.some((t) => t.name === 'test.echo'), { timeoutMs: 20_000, description: 'test.echo in the gateway catalog' });
    const result = await client.callTool({ name: 'test.echo', arguments: {} });

    expect(result.content).toEqual([{ type: 'text', text: 'pong over etcd tls' }]);
    const nodes = (await storeFrom(etcdEnv(cluster, 'registry', REGISTRY_USER)).snapshot()).nodes;
    expect(nodes.map((n) => n.nodeId)).toContain('pi-etcd-tls');
  });

  it('context-sync leads through etcd with its own user, allowed only its election prefix', async () => {
    const store = createContextStore({});
    contextSync = await bootstrapContextSync({
      config: contextSyncConfig.load({ env: { ...etcdEnv(cluster, 'context-sync', CONTEXT_SYNC_USER), PIMCP_CONTEXT_SYNC_HTTP_PORT: '0', PIMCP_CONTEXT_SYNC_REPLICA_ID: 'cs-tls' } }),
      store, logger: false,
    });
    const running = contextSync;
    await pollUntil(async () => (await running.leadership.status()).isLeader || undefined, { timeoutMs: 20_000, description: 'context-sync to lead' });
    expect(await running.leadership.status()).toMatchObject({ isLeader: true, replicaId: 'cs-tls' });
    // The same user may not read the catalog.
    await expect(storeFrom(etcdEnv(cluster, 'context-sync', CONTEXT_SYNC_USER)).snapshot()).rejects.toThrow(/permission denied/);
  });

  it('etcd refuses a client without a certificate, with a certificate from another CA, and plaintext', async () => {
    const caOnly = { ...etcdEnv(cluster, 'registry', REGISTRY_USER), PIMCP_ETCD_TLS_CERT_FILE: '', PIMCP_ETCD_TLS_KEY_FILE: '' };
    const foreignFiles = foreign.files['registry'];
    const attempts: Record<string, Record<string, string>> = {
      'no client certificate': caOnly,
      'a certificate from another CA': { ...etcdEnv(cluster, 'registry', REGISTRY_USER), PIMCP_ETCD_TLS_CERT_FILE: foreignFiles?.certFile ?? '', PIMCP_ETCD_TLS_KEY_FILE: foreignFiles?.keyFile ?? '' },
      'plaintext to the TLS port': { PIMCP_ETCD_HOSTS: etcd.clientUrl.replace('https:', 'http:'), PIMCP_ETCD_USERNAME: REGISTRY_USER.name, PIMCP_ETCD_PASSWORD: REGISTRY_USER.password },
    };
    for (const [what, env] of Object.entries(attempts)) {
      const outcome = await storeFrom(env).snapshot().then(() => 'served', (error: { code?: string }) => error.code);
      expect({ what, outcome }).toEqual({ what, outcome: ErrorCode.StoreUnavailable });
    }
  });

  it('etcd refuses a wrong password, a certificate alone (no such user), and writes by the gateway\'s read-only user', async () => {
    const wrongPassword = storeFrom(etcdEnv(cluster, 'registry', { ...REGISTRY_USER, password: 'not-it' }));
    await expect(wrongPassword.snapshot()).rejects.toThrow(/authentication failed/);
    // With auth on, etcd takes a certificate's CN as the user; there is no user pimcp-gateway.
    await expect(storeFrom(etcdEnv(cluster, 'gateway')).snapshot()).rejects.toThrow(/permission denied|user name not found/);
    const gatewayUser = storeFrom(etcdEnv(cluster, 'gateway', GATEWAY_USER));
    await expect(gatewayUser.snapshot()).resolves.toMatchObject({ revision: expect.any(Number) });
    await expect(gatewayUser.setCatalogRevision(1_000_000)).rejects.toThrow(/permission denied/);
  });
});

/**
 * What an operator does with etcdctl (user add, role add, role grant-permission, auth enable), through etcd3's
 * auth API: the root user, a read-write role on the PiMCP prefix for the registry, a read-only one for the gateway, and
 * read-write on its election prefix for context-sync.
 */
async function enableEtcdAuth(url: string, set: WrittenDevCertificates): Promise<void> {
  const files = set.files['registry'];
  if (!files) throw new Error('no registry certificate');
  const admin = new Etcd3({ hosts: url, credentials: etcdSecurityOf({ etcdCaFile: set.caFile, etcdCertFile: files.certFile, etcdKeyFile: files.keyFile, etcdUsername: '', etcdPassword: '' }).credentials });
  try {
    const range = admin.range({ prefix: PREFIX });
    await admin.role('root').create();
    await admin.user('root').create('root-secret').then((root) => root.addRole('root'));
    await admin.role('pimcp-registry').create().then((role) => role.grant({ permission: 'Readwrite', range }));
    await admin.user(REGISTRY_USER.name).create(REGISTRY_USER.password).then((user) => user.addRole('pimcp-registry'));
    await admin.role('pimcp-gateway').create().then((role) => role.grant({ permission: 'Read', range }));
    await admin.user(GATEWAY_USER.name).create(GATEWAY_USER.password).then((user) => user.addRole('pimcp-gateway'));
    await admin.role('pimcp-context-sync').create().then((role) => role.grant({ permission: 'Readwrite', range: admin.range({ prefix: `${PREFIX}election/context-sync` }) }));
    await admin.user(CONTEXT_SYNC_USER.name).create(CONTEXT_SYNC_USER.password).then((user) => user.addRole('pimcp-context-sync'));
    await admin.auth.authEnable();
  } finally {
    admin.close();
  }
}
