import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, ProtocolError, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { EtcdProcess, pollUntil, RedisProcess } from '@pimcp/testing';
import Redis from 'ioredis';
import { DIST, SpawnedProcess } from './spawned-process';

const LEASE_TTL_SECONDS = 2;

describe('PiMCP cluster (e2e): pimcp up on real etcd and Redis, edge nodes, MCP clients of both eras', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'pimcp-cluster-'));
  const fileRoot = mkdtempSync(join(tmpdir(), 'pimcp-files-'));
  let etcd: EtcdProcess;
  let redis: RedisProcess;
  let up: SpawnedProcess;
  let mcpUrl: string;
  let registryLink: string;
  let token: string;
  const extraNodes: SpawnedProcess[] = [];
  const clients: Client[] = [];

  beforeAll(async () => {
    writeFileSync(join(fileRoot, 'hello.txt'), 'hello from the edge\n');
    [etcd, redis] = await Promise.all([EtcdProcess.start(), RedisProcess.start()]);
    up = SpawnedProcess.start('cli', ['up', '--etcd', etcd.clientUrl, '--redis', redis.url, '--nodes', '2', '--lease-ttl', String(LEASE_TTL_SECONDS), '--file-root', fileRoot], {
      cwd,
      env: { PIMCP_GATEWAY_PORT: '0', PIMCP_REGISTRY_HTTP_PORT: '0', PIMCP_REGISTRY_LINK_PORT: '0', PIMCP_CONTEXT_SYNC_HTTP_PORT: '0', PIMCP_NODE_PLUGINS: 'conformance-fixtures,context-demo' },
    });
    mcpUrl = await up.waitFor(/MCP endpoint: +(\S+)/);
    registryLink = await up.waitFor(/node link: +(\S+)/);
    token = readFileSync(join(cwd, '.pimcp/dev-token'), 'utf8').trim();
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await Promise.all(extraNodes.map((n) => n.stop()));
    await up?.stop();
    await Promise.all([etcd?.stop(), redis?.stop()]);
  });

  async function connect(era: 'legacy' | 'modern', options: Record<string, unknown> = {}): Promise<Client> {
    const client = new Client({ name: `e2e-${era}`, version: '1' }, { ...(era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {}), ...options } as never);
    await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    clients.push(client);
    return client;
  }

  async function toolNames(client: Client): Promise<string[]> {
    return (await client.listTools()).tools.map((t) => t.name);
  }

  function startNode(nodeId: string, env: Record<string, string> = {}): SpawnedProcess {
    const node = SpawnedProcess.start('edge-node', [], {
      env: {
        PIMCP_NODE_ID: nodeId, PIMCP_REGISTRY_URL: registryLink, PIMCP_NODE_PLUGINS: 'conformance-fixtures', PIMCP_NODE_SHUTDOWN_GRACE_MS: '5000',
        PIMCP_NODE_INVOCATION_KEYS_FILE: join(cwd, '.pimcp/dev-invocation-key.pub.pem'), ...env,
      },
    });
    extraNodes.push(node);
    return node;
  }

  it.each(['legacy', 'modern'] as const)('lists the tools of both edge nodes and calls each of them (%s era)', async (era) => {
    const client = await connect(era);
    expect(client.getProtocolEra()).toBe(era);
    const names = await toolNames(client);
    expect(names).toEqual(expect.arrayContaining(['system.info', 'file.read', 'file.search', 'local-1.system.info', 'local-2.system.info']));
    expect(names.filter((n) => n === 'system.info')).toHaveLength(1);
    for (const nodeId of ['local-1', 'local-2']) {
      const result = await client.callTool({ name: `${nodeId}.system.info`, arguments: {} });
      expect(result.structuredContent).toMatchObject({ nodeId });
    }
    const read = await client.callTool({ name: 'file.read', arguments: { path: 'hello.txt' } });
    expect(read.content).toEqual([{ type: 'text', text: 'hello from the edge\n' }]);
  });

  it.each(['legacy', 'modern'] as const)('passes every content type through unchanged (%s era)', async (era) => {
    const client = await connect(era);
    const result = await client.callTool({ name: 'test_multiple_content_types', arguments: {} });
    expect(result.content).toEqual([
      { type: 'text', text: 'Multiple content types test:' },
      { type: 'image', data: expect.any(String), mimeType: 'image/png' },
      { type: 'resource', resource: { uri: 'test://mixed-content-resource', mimeType: 'application/json', text: '{"test":"data","value":123}' } },
    ]);
    const audio = await client.callTool({ name: 'test_audio_content', arguments: {} });
    expect(audio.content).toEqual([{ type: 'audio', data: expect.any(String), mimeType: 'audio/wav' }]);
  });

  it.each(['legacy', 'modern'] as const)('lists the nodes\' resources and prompts once and reads and gets them through a node (%s era)', async (era) => {
    const client = await connect(era);
    const uris = (await client.listResources()).resources.map((r) => r.uri);
    // Both nodes serve the fixtures; each URI is listed once.
    expect(uris).toEqual(['test://static-binary', 'test://static-text', 'test://watched-resource']);
    expect((await client.readResource({ uri: 'test://template/42/data' })).contents[0]).toMatchObject({ uri: 'test://template/42/data', text: expect.stringContaining('42') });
    expect((await client.listPrompts()).prompts.map((p) => p.name)).toContain('test_prompt_with_arguments');
    const prompt = await client.getPrompt({ name: 'test_prompt_with_arguments', arguments: { arg1: 'a', arg2: 'b' } });
    expect(prompt.messages).toEqual([{ role: 'user', content: { type: 'text', text: "Prompt with arguments: arg1='a', arg2='b'" } }]);
    const missing = await client.getPrompt({ name: 'test_prompt_with_arguments', arguments: { arg1: 'a' } }).then(() => undefined, (e: unknown) => e);
    expect(missing).toBeInstanceOf(ProtocolError);
    expect((missing as ProtocolError).code).toBe(-32602);
    expect((missing as Error).message).toContain('arg2');
  });

  it('relays a tool\'s log messages from the node at the level the client set', async () => {
    const client = await connect('legacy');
    const logs: unknown[] = [];
    client.setNotificationHandler('notifications/message', (n) => {
      logs.push(n.params.data);
    });
    await client.setLoggingLevel('info');
    await client.callTool({ name: 'test_tool_with_logging', arguments: {} });
    await pollUntil(() => logs.length >= 3, { timeoutMs: 2_000, description: 'three log messages' });
    expect(logs).toEqual(['Tool execution started', 'Tool processing data', 'Tool execution completed']);
  });

  it('shares context across nodes over Redis: one node writes, another reads, a subscribed client hears of it', async () => {
    const watcher = await connect('legacy');
    const updates: string[] = [];
    watcher.setNotificationHandler('notifications/resources/updated', (n) => {
      updates.push(n.params.uri);
    });
    await watcher.subscribeResource({ uri: 'context://demo' });
    await new Promise((r) => setTimeout(r, 200)); // the GET stream opens after initialized

    const client = await connect('modern');
    const meta = { 'io.pimcp/context': 'demo' };
    const remembered = await client.callTool({ name: 'local-1.demo.remember', arguments: { key: 'plan', value: { step: 3 } }, _meta: meta });
    expect(remembered.structuredContent).toMatchObject({ context: 'demo', key: 'plan' });
    const recalled = await client.callTool({ name: 'local-2.demo.recall', arguments: { key: 'plan' }, _meta: meta });
    expect(recalled.structuredContent).toMatchObject({ context: 'demo', found: true, value: { step: 3 } });
    await pollUntil(() => updates.includes('context://demo') || undefined, { timeoutMs: 5_000, description: 'resources/updated for context://demo' });
    const read = await watcher.readResource({ uri: 'context://demo/plan' });
    expect(JSON.parse(String((read.contents[0] as { text?: string }).text))).toEqual({ step: 3 });
    // The model's own view of the same memory, through the gateway's tool.
    expect((await client.callTool({ name: 'context.get', arguments: { context: 'demo', key: 'plan' } })).structuredContent).toMatchObject({ value: { step: 3 } });
  });

  it('relays progress from the node to the client', async () => {
    const client = await connect('legacy');
    const progress: number[] = [];
    await client.callTool({ name: 'test_tool_with_progress', arguments: {} }, { onprogress: (p) => progress.push(p.progress) });
    expect(progress).toEqual([0, 50, 100]);
  });

  it('serves a desktop client through the pimcp connect stdio bridge', async () => {
    const client = new Client({ name: 'desktop', version: '1' });
    await client.connect(new StdioClientTransport({
      command: process.execPath,
      args: [join(DIST, 'cli/main.js'), 'connect', mcpUrl, '--token-file', join(cwd, '.pimcp/dev-token')],
      stderr: 'pipe',
    }));
    clients.push(client);
    const result = await client.callTool({ name: 'test_simple_text', arguments: {} });
    expect(result.content).toEqual([{ type: 'text', text: 'This is a simple text response for testing.' }]);
  });

  it('reaches a node that only dials out, through the Redis broker', async () => {
    const node = startNode('edge-natted', { PIMCP_NODE_LINK_TRANSPORT: 'redis', PIMCP_NODE_LINK_REDIS_URL: redis.url });
    const client = await connect('modern');
    await pollUntil(async () => (await toolNames(client)).includes('edge-natted.system.info'), { timeoutMs: 15_000, description: 'edge-natted to join' });
    // Everything the gateway publishes to this node, byte for byte.
    const sniffer = new Redis(redis.url);
    const published: string[] = [];
    sniffer.on('pmessage', (_pattern: string, channel: string, message: string) => {
      if (channel.endsWith('/edge-natted')) published.push(message);
    });
    await sniffer.psubscribe('node.*');
    const progress: number[] = [];
    const result = await client.callTool({ name: 'edge-natted.test_tool_with_progress', arguments: {} }, { onprogress: (p) => progress.push(p.progress) });
    expect(result.content).toEqual([{ type: 'text', text: 'Progress test completed' }]);
    expect(progress).toEqual([0, 50, 100]);
    expect((await client.callTool({ name: 'edge-natted.system.info', arguments: {} })).structuredContent).toMatchObject({ nodeId: 'edge-natted' });
    await sniffer.quit();
    // No token passthrough (ADR 0013): each invocation carries a gateway-signed token for this node, never the client's.
    const invokes = published.filter((m) => m.includes('"tool"'));
    expect(invokes.length).toBeGreaterThanOrEqual(2);
    expect(invokes.every((m) => /"invocationToken":"[\w-]+\.[\w-]+\.[\w-]+"/.test(m))).toBe(true);
    const [, tokenPayload] = token.split('.');
    expect(published.some((m) => m.includes(token) || m.includes(tokenPayload ?? token))).toBe(false);
    node.kill('SIGTERM');
    expect(await node.exited).toBe(0);
  });

  it('a node that does not trust this gateway\'s key refuses its calls: a clear error, not retried elsewhere, and audited as refused', async () => {
    const keys = mkdtempSync(join(tmpdir(), 'pimcp-other-key-'));
    writeFileSync(join(keys, 'other.pub.pem'), generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }));
    const node = startNode('edge-untrusting', { PIMCP_NODE_INVOCATION_KEYS_FILE: join(keys, 'other.pub.pem') });
    const client = await connect('modern');
    await pollUntil(async () => (await toolNames(client)).includes('edge-untrusting.system.info'), { timeoutMs: 15_000, description: 'edge-untrusting to join' });
    const err = await client.callTool({ name: 'edge-untrusting.system.info', arguments: {} }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).message).toContain('does not trust');
    expect((err as ProtocolError).data).toMatchObject({ code: 'INVOCATION_UNAUTHORIZED', retryable: false });

    const audit = () => {
      const run = spawnSync(process.execPath, [join(DIST, 'cli/main.js'), 'audit', '--file', join(cwd, '.pimcp/audit.jsonl'), '--since', '10m', '--json', '--limit', '1000'], { encoding: 'utf8' });
      expect(run.status).toBe(0);
      return run.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
    };
    const records = await pollUntil(() => {
      const found = audit();
      return found.some((r) => r['capability'] === 'edge-untrusting.system.info') ? found : undefined;
    }, { timeoutMs: 5000, description: 'the refused call in the audit' });
    expect(records.find((r) => r['capability'] === 'edge-untrusting.system.info')).toMatchObject({
      subject: 'dev', nodeId: 'edge-untrusting', outcome: 'refused', errorCode: 'INVOCATION_UNAUTHORIZED', argumentsHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(records.some((r) => r['capability'] === 'edge-natted.system.info' && r['outcome'] === 'ok')).toBe(true);
    // Argument values are not stored unless PIMCP_GATEWAY_AUDIT_ARGUMENTS is set.
    expect(records.every((r) => !('arguments' in r))).toBe(true);
    node.kill('SIGTERM');
    await node.exited;
  });

  it('fails a call in flight on a killed node with a clear JSON-RPC error, then drops its tools within the lease TTL and says so', async () => {
    const changed = jest.fn();
    const watcher = await connect('legacy', { listChanged: { tools: { onChanged: changed, debounceMs: 0 } } });
    const node = startNode('edge-doomed');
    await pollUntil(async () => (await toolNames(watcher)).includes('edge-doomed.system.info'), { timeoutMs: 15_000, description: 'edge-doomed to join' });

    const client = await connect('modern');
    let firstProgress!: () => void;
    const started = new Promise<void>((resolve) => (firstProgress = resolve));
    const call = client.callTool({ name: 'edge-doomed.test_tool_with_progress', arguments: { delayMs: 30_000 } }, { onprogress: () => firstProgress(), timeout: 60_000 })
      .then(() => undefined, (err: unknown) => err);
    await started;
    const killedAt = Date.now();
    node.kill('SIGKILL');
    const err = await call;
    expect(Date.now() - killedAt).toBeLessThan(5_000);
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as Error).message).toMatch(/edge-doomed/);

    changed.mockClear();
    await pollUntil(async () => !(await toolNames(watcher)).includes('edge-doomed.system.info'), {
      timeoutMs: (LEASE_TTL_SECONDS + 3) * 1000, intervalMs: 100, description: 'edge-doomed tools to disappear',
    });
    await pollUntil(() => changed.mock.calls.length > 0, { timeoutMs: 5_000, description: 'tools/list_changed after the node died' });
  });

  it('fails a call in flight on a killed node behind the Redis broker once its lease expires, not at its deadline', async () => {
    const watcher = await connect('legacy');
    const node = startNode('edge-natted-doomed', { PIMCP_NODE_LINK_TRANSPORT: 'redis', PIMCP_NODE_LINK_REDIS_URL: redis.url });
    await pollUntil(async () => (await toolNames(watcher)).includes('edge-natted-doomed.system.info'), { timeoutMs: 15_000, description: 'edge-natted-doomed to join' });
    const client = await connect('legacy');
    let firstProgress!: () => void;
    const started = new Promise<void>((resolve) => (firstProgress = resolve));
    const call = client.callTool({ name: 'edge-natted-doomed.test_tool_with_progress', arguments: { delayMs: 30_000 } }, { onprogress: () => firstProgress(), timeout: 60_000 })
      .then(() => undefined, (err: unknown) => err);
    await started;
    const killedAt = Date.now();
    node.kill('SIGKILL');
    const err = await call;
    // The broker cannot see the node die; the catalog does, when the lease expires.
    expect(Date.now() - killedAt).toBeLessThan((LEASE_TTL_SECONDS + 5) * 1000);
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as Error).message).toMatch(/edge-natted-doomed left the registry/);
  });

  it('lets a node stopped with SIGTERM leave at once and finish its call in flight', async () => {
    const watcher = await connect('legacy');
    const node = startNode('edge-leaver');
    await pollUntil(async () => (await toolNames(watcher)).includes('edge-leaver.system.info'), { timeoutMs: 15_000, description: 'edge-leaver to join' });
    const client = await connect('legacy');
    let firstProgress!: () => void;
    const started = new Promise<void>((resolve) => (firstProgress = resolve));
    const call = client.callTool({ name: 'edge-leaver.test_tool_with_progress', arguments: { delayMs: 700 } }, { onprogress: () => firstProgress() });
    await started;
    node.kill('SIGTERM');
    await pollUntil(async () => !(await toolNames(watcher)).includes('edge-leaver.system.info'), {
      timeoutMs: 1_500, intervalMs: 50, description: 'edge-leaver tools to go before its lease could expire',
    });
    expect((await call).content).toEqual([{ type: 'text', text: 'Progress test completed' }]);
    expect(await node.exited).toBe(0);
  });
});
