import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// The e2e needs a real registry for the spawned node to join; the app itself never imports it.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { bootstrapRegistry, registryConfig, type RunningRegistry } from '@pimcp/registry-server';
import { EtcdProcess, pollUntil } from '@pimcp/testing';
import { EdgeNodeProcess } from './edge-node-process';

const PROBE = join(__dirname, 'support/loaded-packages.probe.cjs');
// The packages inside main.js (ADR 0023); the rest load from node_modules, and only where configured (ADR 0018).
// Node's own require: the list is plain CommonJS that webpack.config.js reads too, not a module for ts-jest.
const BUNDLED = createRequire(__filename)('../bundled-packages.js') as string[];
// Loaded at boot but kept out of the bundle (apps/edge-node/bundled-packages.js says why), in require.cache's order.
const EXTERNAL_AT_BOOT = ['@opentelemetry/api', 'load-esm'];

// What a node never needs: the development CA behind `pimcp certs init` (`@pimcp/tls`, not `@pimcp/tls/runtime`).
const NEVER_LOADED = ['@peculiar/x509'];
/** The probe's last line: real Intl.DateTimeFormat objects built (the first maps about 8 MiB of ICU data; ADR 0018). */
const NO_DATE_FORMATTER = 'Intl.DateTimeFormat built: 0';

describe('edge-node boot dependencies (e2e: which npm packages the built bundle loads)', () => {
  let etcd: EtcdProcess;
  let registry: RunningRegistry;
  const processes: EdgeNodeProcess[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'pimcp-boot-deps-'));
  // A node must trust a gateway key to start at all (docs/security/node-invocation.md); any P-256 key does here.
  const trustedKeys = join(dir, 'gateway.pub.pem');
  writeFileSync(trustedKeys, generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }));

  /** Starts the built node with the probe preloaded, waits until it joined, and lists the packages it loaded. */
  async function packagesLoadedBy(nodeId: string, env: Record<string, string> = {}): Promise<string[]> {
    const out = join(dir, `${nodeId}.txt`);
    const { node } = await EdgeNodeProcess.start({
      PIMCP_NODE_ID: nodeId,
      PIMCP_NODE_LINK_PORT: '0',
      PIMCP_REGISTRY_URL: `tcp://${registry.link.host}:${registry.link.port}`,
      NODE_OPTIONS: `--require=${PROBE}`,
      PIMCP_LOADED_PACKAGES_OUT: out,
      PIMCP_NODE_INVOCATION_KEYS_FILE: trustedKeys,
      ...env,
    });
    processes.push(node);
    node.signal('SIGUSR2');
    await pollUntil(() => existsSync(out), { timeoutMs: 10_000, intervalMs: 50, description: `${out} from the probe` });
    await node.stop();
    return readFileSync(out, 'utf8').split('\n');
  }

  beforeAll(async () => {
    etcd = await EtcdProcess.start();
    const config = registryConfig.load({ env: { PIMCP_ETCD_HOSTS: etcd.clientUrl, PIMCP_REGISTRY_HTTP_PORT: '0', PIMCP_REGISTRY_LINK_PORT: '0' } });
    registry = await bootstrapRegistry({ config, logger: false });
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await registry?.close();
    await etcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  // Every package an idle node needs is in main.js but EXTERNAL_AT_BOOT: any other file from node_modules means a
  // package joined the boot path (bundle it, or load it where it is used) or an optional one loads unconfigured.
  it('an idle node with every built-in plugin enabled but unconfigured loads nothing else from node_modules', async () => {
    const loaded = await packagesLoadedBy('boot-idle', { PIMCP_NODE_PLUGINS: 'shell.run,http.request,log.tail,db.query,storage,vector' });
    expect(loaded).toEqual([...EXTERNAL_AT_BOOT, NO_DATE_FORMATTER]);
  });

  it('a typical node (file root, shell.run with one executable, a directory store) loads nothing else from node_modules either', async () => {
    const loaded = await packagesLoadedBy('boot-typical', {
      PIMCP_NODE_FILE_ROOT: dir,
      PIMCP_NODE_PLUGINS: 'shell.run,storage',
      PIMCP_NODE_PLUGIN_CONFIG: JSON.stringify({
        'shell.run': { workingDirectory: dir, executables: { [process.execPath]: { args: [] } } },
        storage: { stores: { objects: { kind: 'directory', root: dir } } },
      }),
    });
    // Nest's logger printed the boot lines with its timestamps, without an ICU date formatter.
    expect(loaded).toEqual([...EXTERNAL_AT_BOOT, NO_DATE_FORMATTER]);
  });

  it('loads the MCP server SDK for the node\'s own endpoint, the AWS SDK for an S3 store, pino for JSON logs, OpenTelemetry for traces', async () => {
    const loaded = await packagesLoadedBy('boot-configured', {
      PIMCP_LOG_FORMAT: 'json',
      // Nothing listens there: spans are dropped, but the SDK loads as for a real collector.
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      PIMCP_NODE_MCP_ENABLED: 'true',
      PIMCP_NODE_MCP_PORT: '0',
      PIMCP_NODE_PLUGINS: 'storage',
      PIMCP_NODE_PLUGIN_CONFIG: JSON.stringify({
        storage: { stores: { bucket: { kind: 's3', bucket: 'boot-deps', region: 'eu-central-1', endpoint: 'http://127.0.0.1:9', forcePathStyle: true, accessKeyIdEnv: 'BOOT_KEY', secretAccessKeyEnv: 'BOOT_SECRET' } } },
      }),
      BOOT_KEY: 'AKIABOOTDEPS', BOOT_SECRET: 'boot-deps-secret-0123456789',
    });
    expect(loaded).toEqual(expect.arrayContaining(['@modelcontextprotocol/server', '@modelcontextprotocol/node', '@aws-sdk/client-s3', 'pino', '@opentelemetry/sdk-trace-node']));
    expect(NEVER_LOADED.filter((name) => loaded.includes(name))).toEqual([]);
    // The external packages share the bundle's copies: a second @nestjs/common from node_modules (nestjs-pino's
    // require) would split Nest's logger and decorators in two, a bundled @opentelemetry/api the tracer.
    expect(BUNDLED.filter((name) => loaded.includes(name))).toEqual([]);
  });
});
