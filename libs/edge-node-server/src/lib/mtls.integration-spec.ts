import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvocationTokenSigner, NodeLinkClient, signedInvoke } from '@pimcp/node-link';
import { ErrorCode, type InvokeRequest } from '@pimcp/protocol';
import { RegistryClient } from '@pimcp/registry-client';
// The node's tests need a real registry to join; production code of this lib never imports it.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { bootstrapRegistry, registryConfig, type RunningRegistry } from '@pimcp/registry-server';
import { expectNodeIdentity, TlsMaterial, writeDevCertificates, type WrittenDevCertificates } from '@pimcp/tls';
import { bootstrapEdgeNode, type RunningEdgeNode } from './bootstrap-edge-node';
import { edgeNodeConfig } from './config/edge-node.config';

let sequence = 0;
function request(tool: string): InvokeRequest {
  return { requestId: `mtls-${++sequence}`, tool, arguments: {}, deadline: Date.now() + 10_000, caller: { subject: 'integration' } };
}

function manifest(nodeId: string): Record<string, unknown> {
  return { nodeId, labels: { tier: 'edge' }, linkAddress: 'tcp://127.0.0.1:7600', capabilities: [] };
}

function tlsEnv(set: WrittenDevCertificates, name: string): Record<string, string> {
  const files = set.files[name];
  if (!files) throw new Error(`no certificate for ${name}`);
  return { PIMCP_TLS_CA_FILE: files.caFile, PIMCP_TLS_CERT_FILE: files.certFile, PIMCP_TLS_KEY_FILE: files.keyFile, PIMCP_TLS_RELOAD_INTERVAL_MS: '0' };
}

function material(set: WrittenDevCertificates, name: string): TlsMaterial {
  const files = set.files[name];
  if (!files) throw new Error(`no certificate for ${name}`);
  return new TlsMaterial(files, { reloadIntervalMs: 0 });
}

describe('mTLS between nodes, registry and gateway (integration: real sockets on loopback)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pimcp-mtls-'));
  const gatewayKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const gatewayKeyFile = join(dir, 'gateway-invocation.pub.pem');
  let signer: InvocationTokenSigner;
  let cluster: WrittenDevCertificates;
  let foreign: WrittenDevCertificates;
  let registry: RunningRegistry;
  let node: RunningEdgeNode;
  const closers: (() => void)[] = [];

  function registryClient(tls: TlsMaterial | undefined): RegistryClient {
    const client = new RegistryClient({ host: '127.0.0.1', port: registry.link.port, requestTimeoutMs: 3000, ...(tls ? { tls: tls.clientOptions() } : {}) });
    closers.push(() => client.close());
    return client;
  }

  /** The link as the gateway uses it: over (m)TLS, each invocation signed for the node it is meant for. */
  function linkClient(expectedNodeId: string, tls: TlsMaterial | undefined) {
    const client = new NodeLinkClient({ nodeId: expectedNodeId, linkAddress: node.linkAddress }, {
      ...(tls ? { tcpTls: (nodeId: string) => tls.clientOptions({ checkServerIdentity: expectNodeIdentity(nodeId) }) } : {}),
    });
    closers.push(() => client.close());
    return { invoke: async (call: InvokeRequest) => client.invoke(await signedInvoke(signer, expectedNodeId, call)) };
  }

  beforeAll(async () => {
    // The node also checks each call's gateway-signed token (docs/security/node-invocation.md).
    writeFileSync(gatewayKeyFile, gatewayKey.publicKey.export({ type: 'spki', format: 'pem' }));
    signer = await InvocationTokenSigner.fromPem(gatewayKey.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, { issuer: 'mtls-gateway', maxTtlMs: 30_000 });
    cluster = await writeDevCertificates({ dir: join(dir, 'cluster'), nodeIds: ['pi-a', 'pi-b'] });
    foreign = await writeDevCertificates({ dir: join(dir, 'foreign'), nodeIds: ['pi-a'] });
    const config = registryConfig.load({ env: { PIMCP_REGISTRY_HTTP_PORT: '0', PIMCP_REGISTRY_LINK_PORT: '0', ...tlsEnv(cluster, 'registry') } });
    registry = await bootstrapRegistry({ config, logger: false });
    node = await bootstrapEdgeNode({
      config: edgeNodeConfig.load({
        env: {
          PIMCP_NODE_ID: 'pi-a', PIMCP_NODE_LINK_PORT: '0', PIMCP_REGISTRY_URL: `tcp://127.0.0.1:${registry.link.port}`, ...tlsEnv(cluster, 'node-pi-a'),
          PIMCP_NODE_INVOCATION_KEYS_FILE: gatewayKeyFile,
        },
      }),
      logger: false,
    });
  }, 60_000);

  afterAll(async () => {
    closers.forEach((close) => close());
    await node?.shutdown();
    await registry?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a node with a certificate from the cluster CA joins, and the gateway calls it over mTLS', async () => {
    const gatewayTls = material(cluster, 'gateway');
    closers.push(() => gatewayTls.close());
    const result = await linkClient('pi-a', gatewayTls).invoke(request('system.info'));
    expect(result['structuredContent']).toMatchObject({ nodeId: 'pi-a' });
    const nodeTls = material(cluster, 'node-pi-a');
    closers.push(() => nodeTls.close());
    // The bootstrapped node already joined over mTLS; its own heartbeat over a second connection is accepted too.
    await expect(registryClient(nodeTls).heartbeat('pi-a')).resolves.toMatchObject({});
  });

  it('the gateway refuses a node whose certificate names another node id', async () => {
    const gatewayTls = material(cluster, 'gateway');
    closers.push(() => gatewayTls.close());
    // pi-a answers at this address, but the catalog says pi-b lives there: the gateway must not talk to it.
    await expect(linkClient('pi-b', gatewayTls).invoke(request('system.info'))).rejects.toMatchObject({ code: ErrorCode.NodeUnavailable });
  });

  it('the node refuses a gateway without a client certificate from the cluster CA, and plaintext', async () => {
    const foreignGateway = material(foreign, 'gateway');
    closers.push(() => foreignGateway.close());
    await expect(linkClient('pi-a', foreignGateway).invoke(request('system.info'))).rejects.toMatchObject({ code: ErrorCode.NodeUnavailable });
    await expect(linkClient('pi-a', undefined).invoke({ ...request('system.info'), deadline: Date.now() + 2000 }))
      .rejects.toMatchObject({ code: expect.stringMatching(/NODE_UNAVAILABLE|DEADLINE_EXCEEDED/) });
  });

  it('the registry refuses a node with a certificate from another CA', async () => {
    const foreignNode = material(foreign, 'node-pi-a');
    closers.push(() => foreignNode.close());
    await expect(registryClient(foreignNode).join(manifest('pi-a'))).rejects.toMatchObject({ code: ErrorCode.RegistryUnavailable });
  });

  it('the registry refuses a plaintext connection', async () => {
    await expect(registryClient(undefined).join(manifest('pi-b'))).rejects.toMatchObject({ code: ErrorCode.RegistryUnavailable });
  });

  it('a node presenting node A\'s certificate cannot join, heartbeat or leave as node B', async () => {
    const nodeA = material(cluster, 'node-pi-a');
    closers.push(() => nodeA.close());
    const client = registryClient(nodeA);
    await expect(client.join(manifest('pi-b'))).rejects.toMatchObject({ code: ErrorCode.InvalidRequest, message: expect.stringMatching(/names node pi-a, not node pi-b/) });
    await expect(client.heartbeat('pi-b')).rejects.toMatchObject({ code: ErrorCode.InvalidRequest });
    await expect(client.leave('pi-b')).rejects.toMatchObject({ code: ErrorCode.InvalidRequest });
    // A service certificate (no node identity) cannot register a node either.
    const gatewayTls = material(cluster, 'gateway');
    closers.push(() => gatewayTls.close());
    await expect(registryClient(gatewayTls).join(manifest('pi-a'))).rejects.toMatchObject({ message: expect.stringMatching(/names no node/) });
    // Node B with its own certificate is welcome.
    const nodeB = material(cluster, 'node-pi-b');
    closers.push(() => nodeB.close());
    await expect(registryClient(nodeB).join(manifest('pi-b'))).resolves.toMatchObject({ nodeId: 'pi-b' });
    await registryClient(nodeB).leave('pi-b');
  });
});
