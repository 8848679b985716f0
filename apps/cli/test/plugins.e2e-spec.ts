import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { EtcdProcess, pollUntil } from '@pimcp/testing';
import { SpawnedProcess } from './spawned-process';

const run = promisify(execFile);
const WORKSPACE = join(__dirname, '../../..');

/**
 * Plugins on a running cluster (real etcd, `pimcp up` with registry and gateway, edge nodes as their own processes):
 * a plugin made by the generator is built, installed next to a node and called through the gateway.
 */
describe('plugins on a cluster (e2e)', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'pimcp-plugins-'));
  const pluginName = `e2e-gen-${process.pid}`;
  const nodes: SpawnedProcess[] = [];
  let etcd: EtcdProcess;
  let up: SpawnedProcess;
  let mcpUrl: string;
  let registryLink: string;
  let client: Client;

  beforeAll(async () => {
    etcd = await EtcdProcess.start();
    up = SpawnedProcess.start('cli', ['up', '--etcd', etcd.clientUrl, '--nodes', '1', '--lease-ttl', '10'], {
      cwd, env: { PIMCP_GATEWAY_PORT: '0', PIMCP_REGISTRY_HTTP_PORT: '0', PIMCP_REGISTRY_LINK_PORT: '0', PIMCP_CONTEXT_SYNC_HTTP_PORT: '0' },
    });
    mcpUrl = await up.waitFor(/MCP endpoint: +(\S+)/, 90_000);
    registryLink = await up.waitFor(/node link: +(\S+)/);
    const token = readFileSync(join(cwd, '.pimcp/dev-token'), 'utf8').trim();
    client = new Client({ name: 'e2e-plugins', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  }, 120_000);

  afterAll(async () => {
    await client?.close().catch(() => undefined);
    await Promise.all(nodes.map((n) => n.stop()));
    await up?.stop();
    await etcd?.stop();
    rmSync(join(WORKSPACE, 'plugins', pluginName), { recursive: true, force: true });
    rmSync(join(WORKSPACE, 'dist/plugins', pluginName), { recursive: true, force: true });
  });

  const toolNames = async () => (await client.listTools()).tools.map((t) => t.name);

  /** A node in its own folder (where its plugin packages are installed), configured by a YAML file. */
  function startNode(nodeId: string, nodeDir: string, yaml: string): SpawnedProcess {
    const configFile = join(nodeDir, 'pimcp-node.yaml');
    writeFileSync(configFile, yaml);
    const node = SpawnedProcess.start('edge-node', [], { cwd: nodeDir, env: {
      PIMCP_NODE_ID: nodeId, PIMCP_REGISTRY_URL: registryLink, PIMCP_CONFIG: configFile,
      // The node trusts the development gateway key `pimcp up` wrote (docs/security/node-invocation.md).
      PIMCP_NODE_INVOCATION_KEYS_FILE: join(cwd, '.pimcp/dev-invocation-key.pub.pem'),
    } });
    nodes.push(node);
    return node;
  }

  it('a generated plugin builds, loads by name on a node and is listed and called through the gateway', async () => {
    const nx = (args: string[]) => run('npx', ['nx', ...args], { cwd: WORKSPACE, env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false' }, timeout: 240_000 });
    await nx(['g', '@pimcp/generators:plugin', pluginName, '--no-interactive']);
    await nx(['run', `${pluginName}:build`, '--outputStyle=static', '--skip-nx-cache']);
    // What `npm install <dist folder>` does: a link under node_modules next to the node.
    const nodeDir = mkdtempSync(join(tmpdir(), 'pimcp-node-'));
    mkdirSync(join(nodeDir, 'node_modules'));
    symlinkSync(join(WORKSPACE, 'dist/plugins', pluginName), join(nodeDir, 'node_modules', `pimcp-plugin-${pluginName}`));
    const node = startNode('e2e-generated', nodeDir, [
      `plugins: [pimcp-plugin-${pluginName}]`,
      'pluginConfig:',
      `  pimcp-plugin-${pluginName}:`,
      '    greeting: Howdy',
    ].join('\n'));
    const tool = `${pluginName}.greet`;
    await pollUntil(async () => (await toolNames()).includes(tool), { timeoutMs: 90_000, intervalMs: 200, description: `${tool} in tools/list` })
      .catch((err: Error) => Promise.reject(new Error(`${err.message}\nnode output:\n${node.output}`)));
    const result = await client.callTool({ name: tool, arguments: { name: 'Ada' } }).catch((err: Error) => Promise.reject(new Error(`${err.message}\nnode output:\n${node.output}`)));
    expect(result.structuredContent).toEqual({ greeting: 'Howdy, Ada!' });
    const refused = await client.callTool({ name: tool, arguments: { name: '   ' } });
    expect(refused).toMatchObject({ isError: true, content: [{ type: 'text', text: expect.stringContaining('blank') }] });
  }, 600_000);

  it('reloads plugins when the node\'s YAML changes: a tool appears and disappears in tools/list within a second', async () => {
    const listChanged: number[] = [];
    client.setNotificationHandler('notifications/tools/list_changed', () => {
      listChanged.push(Date.now());
    });
    const nodeDir = mkdtempSync(join(tmpdir(), 'pimcp-node-'));
    const node = startNode('e2e-reload', nodeDir, 'plugins: []\n');
    await pollUntil(async () => (await toolNames()).includes('e2e-reload.system.info'), { timeoutMs: 90_000, intervalMs: 200, description: 'the node to join' })
      .catch((err: Error) => Promise.reject(new Error(`${err.message}\nnode output:\n${node.output}`)));
    expect(await toolNames()).not.toContain('test_simple_text');

    const enabledAt = Date.now();
    writeFileSync(join(nodeDir, 'pimcp-node.yaml'), 'plugins: [conformance-fixtures]\n');
    await pollUntil(async () => (await toolNames()).includes('test_simple_text'), { timeoutMs: 10_000, intervalMs: 25, description: 'the enabled plugin\'s tool in tools/list' })
      .catch((err: Error) => Promise.reject(new Error(`${err.message}\nnode output:\n${node.output}`)));
    const appeared = Date.now() - enabledAt;
    expect(await client.callTool({ name: 'test_simple_text', arguments: {} })).toMatchObject({ content: [{ type: 'text', text: expect.any(String) }] });
    expect(listChanged.some((t) => t >= enabledAt)).toBe(true);

    const disabledAt = Date.now();
    writeFileSync(join(nodeDir, 'pimcp-node.yaml'), 'plugins: []\n');
    await pollUntil(async () => !(await toolNames()).includes('test_simple_text'), { timeoutMs: 10_000, intervalMs: 25, description: 'the disabled plugin\'s tool to leave tools/list' });
    const vanished = Date.now() - disabledAt;
    // The node stayed up throughout: only its plugins changed.
    expect(await toolNames()).toContain('e2e-reload.system.info');
    expect(node.output).toContain('plugins loaded [], closed [conformance-fixtures]');
    // Within a second on an idle machine (stat polling every 200 ms, then a re-join and the gateway's etcd watch);
    // the bound here leaves room for a loaded CI runner, and the figures are printed.
    process.stdout.write(`plugin reload: tool appeared after ${appeared} ms, vanished after ${vanished} ms\n`);
    expect(appeared).toBeLessThan(5000);
    expect(vanished).toBeLessThan(5000);
  }, 180_000);
});
