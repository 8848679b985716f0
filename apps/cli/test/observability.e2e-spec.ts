import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { EtcdProcess, freePort, pollUntil, RedisProcess } from '@pimcp/testing';
import { OtlpCollector } from './otlp-collector';
import { parsePrometheusText, sampleValue } from './prometheus-text';
import { SpawnedProcess } from './spawned-process';

/** What a Kubernetes probe or a Prometheus scrape would see. */
async function get(url: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.text() };
}

/** The JSON objects among a process's output lines. */
function jsonLines(output: string): Record<string, unknown>[] {
  return output.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
}

async function scrape(url: string) {
  const { status, body } = await get(`${url}/metrics`);
  expect(status).toBe(200);
  return parsePrometheusText(body);
}

describe('observability (e2e): /metrics and /health on every app, readiness following etcd and Redis', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'pimcp-obs-'));
  let etcd: EtcdProcess;
  let redis: RedisProcess;
  let up: SpawnedProcess;
  let node: SpawnedProcess;
  let gatewayUrl: string;
  let registryUrl: string;
  let contextSyncUrl: string;
  let nodeUrl: string;
  let client: Client;
  let collector: OtlpCollector;

  beforeAll(async () => {
    [etcd, redis, collector] = await Promise.all([EtcdProcess.start(), RedisProcess.start(), OtlpCollector.start()]);
    const tracing = { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' };
    up = SpawnedProcess.start('cli', ['up', '--etcd', etcd.clientUrl, '--redis', redis.url, '--nodes', '0', '--lease-ttl', '2'], {
      cwd, env: { PIMCP_GATEWAY_PORT: '0', PIMCP_REGISTRY_HTTP_PORT: '0', PIMCP_REGISTRY_LINK_PORT: '0', PIMCP_CONTEXT_SYNC_HTTP_PORT: '0', PIMCP_LOG_FORMAT: 'json', ...tracing },
    });
    const mcpUrl = await up.waitFor(/MCP endpoint: +(\S+)/);
    gatewayUrl = new URL(mcpUrl).origin;
    registryUrl = (await up.waitFor(/registry admin API: +(\S+)/)).replace(/\/v1\/catalog$/, '');
    contextSyncUrl = (await up.waitFor(/context stats: +(\S+)/)).replace(/\/v1\/stats$/, '');
    const link = await up.waitFor(/node link: +(\S+)/);
    const metricsPort = await freePort();
    node = SpawnedProcess.start('edge-node', [], {
      env: { PIMCP_NODE_ID: 'obs-1', PIMCP_REGISTRY_URL: link, PIMCP_NODE_METRICS_PORT: String(metricsPort), PIMCP_NODE_SHUTDOWN_GRACE_MS: '1000', PIMCP_LOG_FORMAT: 'json', ...tracing,
        // The node trusts the development gateway key `pimcp up` wrote (docs/security/node-invocation.md).
        PIMCP_NODE_INVOCATION_KEYS_FILE: join(cwd, '.pimcp/dev-invocation-key.pub.pem') },
    });
    nodeUrl = await node.waitFor(/"metrics and health: (http:\/\/[^/"]+)\/metrics"/);
    const token = readFileSync(join(cwd, '.pimcp/dev-token'), 'utf8').trim();
    client = new Client({ name: 'obs-e2e', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    await pollUntil(async () => (await client.listTools()).tools.some((t) => t.name === 'obs-1.system.info') || undefined, { timeoutMs: 15_000, description: 'obs-1 in the catalog' });
  }, 60_000);

  afterAll(async () => {
    await client?.close().catch(() => undefined);
    await node?.stop();
    await up?.stop();
    await Promise.all([etcd?.stop(), redis?.stop(), collector?.close()]);
  });

  it('counts a tool call by capability, node and outcome on the gateway and on the node, with its latency', async () => {
    await client.callTool({ name: 'obs-1.system.info', arguments: {} });
    const gateway = await scrape(gatewayUrl);
    const labels = { capability: 'system.info', node: 'obs-1', outcome: 'ok', app: 'gateway' };
    expect(sampleValue(gateway, 'pimcp_gateway_tool_calls_total', labels)).toBe(1);
    expect(sampleValue(gateway, 'pimcp_gateway_tool_call_duration_seconds_count', labels)).toBe(1);
    expect(sampleValue(gateway, 'pimcp_gateway_tool_calls_in_flight', { node: 'obs-1' })).toBe(0);
    expect(sampleValue(gateway, 'pimcp_gateway_catalog_nodes')).toBe(1);
    expect(sampleValue(gateway, 'pimcp_gateway_catalog_tools')).toBeGreaterThanOrEqual(1);
    expect(sampleValue(gateway, 'pimcp_gateway_catalog_revision')).toBeGreaterThan(0);
    expect(sampleValue(gateway, 'pimcp_gateway_node_circuit_state', { node: 'obs-1' })).toBe(0);
    expect(sampleValue(gateway, 'pimcp_process_resident_memory_bytes')).toBeGreaterThan(0);

    const onNode = await scrape(nodeUrl);
    expect(sampleValue(onNode, 'pimcp_node_tool_calls_total', { capability: 'system.info', outcome: 'ok', node: 'obs-1' })).toBe(1);
    expect(sampleValue(onNode, 'pimcp_node_tool_call_duration_seconds_count', { capability: 'system.info', outcome: 'ok' })).toBe(1);
    expect(sampleValue(onNode, 'pimcp_node_registered')).toBe(1);
  });

  it('measures the context stream lag: a write through context.put reaches the gateway\'s change feed, observed as lag', async () => {
    const result = await client.callTool({ name: 'context.put', arguments: { context: 'obs-lag', key: 'plan', value: { step: 1 } } });
    expect(result.isError).toBeFalsy();
    const gateway = await pollUntil(async () => {
      const metrics = await scrape(gatewayUrl);
      return (sampleValue(metrics, 'pimcp_context_change_lag_seconds_count', { consumer: 'change_feed' }) ?? 0) >= 1 ? metrics : undefined;
    }, { timeoutMs: 5000, description: 'the write in the change-feed lag histogram' });
    // Redis and the gateway share this host's clock: the note arrives well within a second.
    expect(sampleValue(gateway, 'pimcp_context_change_lag_seconds_bucket', { consumer: 'change_feed', le: '1' })).toBeGreaterThanOrEqual(1);
  });

  it('traces one call across the gateway, the link and the node, continuing the client\'s trace from _meta', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await client.callTool({ name: 'obs-1.system.info', arguments: {}, _meta: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
    const spans = await pollUntil(() => {
      const ofTrace = collector.spans.filter((s) => s.traceId === traceId);
      return ofTrace.length >= 3 ? ofTrace : undefined;
    }, { timeoutMs: 15_000, description: 'three spans of the trace at the collector' });
    const call = spans.find((s) => s.name === 'tools/call obs-1.system.info');
    const link = spans.find((s) => s.name === 'pimcp.link invoke system.info');
    const onNode = spans.find((s) => s.name === 'tool system.info');
    expect(call).toMatchObject({ service: 'pimcp-up', kind: 2, parentSpanId: '00f067aa0ba902b7' });
    expect(link).toMatchObject({ service: 'pimcp-up', kind: 3, parentSpanId: call?.spanId });
    expect(onNode).toMatchObject({ service: 'pimcp-edge-node', kind: 2, parentSpanId: link?.spanId });
  });

  it('reports lease renewals on both ends and leadership on the registry and context-sync', async () => {
    // A 2 s lease is renewed about every 0.7 s.
    await pollUntil(async () => ((sampleValue(await scrape(nodeUrl), 'pimcp_node_lease_renewals_total', { outcome: 'ok' }) ?? 0) >= 2) || undefined, { timeoutMs: 10_000, description: 'node lease renewals' });
    const registry = await scrape(registryUrl);
    expect(sampleValue(registry, 'pimcp_registry_link_requests_total', { pattern: 'registry.heartbeat', outcome: 'ok' })).toBeGreaterThanOrEqual(2);
    expect(sampleValue(registry, 'pimcp_registry_link_requests_total', { pattern: 'registry.join', outcome: 'ok' })).toBe(1);
    expect(sampleValue(registry, 'pimcp_registry_leader')).toBe(1);
    await pollUntil(async () => sampleValue(await scrape(contextSyncUrl), 'pimcp_context_sync_leader') === 1 || undefined, { timeoutMs: 10_000, description: 'context-sync leader' });
  });

  it('logs JSON lines with the app and a request id per HTTP request, and never the token', async () => {
    const secret = 'not-a-real-token-but-secret';
    const response = await fetch(`${gatewayUrl}/mcp`, {
      method: 'POST', body: '{}',
      headers: { 'x-request-id': 'req-obs-42', authorization: `Bearer ${secret}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('x-request-id')).toBe('req-obs-42');
    const line = await pollUntil(() => jsonLines(up.output).find((l) => (l['req'] as { id?: string } | undefined)?.id === 'req-obs-42'), { timeoutMs: 5000, description: 'the request log line' });
    expect(line).toMatchObject({ app: 'pimcp-up', req: { method: 'POST', path: '/mcp' }, res: { statusCode: 401 }, level: 40 });
    expect(up.output).not.toContain(secret);
    const nodeLines = jsonLines(node.output);
    expect(nodeLines.length).toBeGreaterThan(0);
    expect(nodeLines.every((l) => l['app'] === 'edge-node' && typeof l['msg'] === 'string')).toBe(true);
    expect(node.output.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('{'))).toEqual([]);
  });

  it('turns readiness false while Redis is down and true again after, naming Redis', async () => {
    for (const url of [gatewayUrl, registryUrl, contextSyncUrl, nodeUrl]) expect((await get(`${url}/health/ready`)).status).toBe(200);
    await redis.kill();
    const down = await pollUntil(async () => {
      const answer = await get(`${gatewayUrl}/health/ready`);
      return answer.status === 503 ? answer : undefined;
    }, { timeoutMs: 10_000, description: 'gateway not ready without Redis' });
    expect(JSON.parse(down.body)).toMatchObject({ status: 'error', error: { redis: { status: 'down' } } });
    expect((await get(`${contextSyncUrl}/health/ready`)).status).toBe(503);
    expect((await get(`${gatewayUrl}/health/live`)).status).toBe(200);
    await redis.restart();
    await pollUntil(async () => (await get(`${gatewayUrl}/health/ready`)).status === 200 || undefined, { timeoutMs: 15_000, description: 'gateway ready again' });
    await pollUntil(async () => (await get(`${contextSyncUrl}/health/ready`)).status === 200 || undefined, { timeoutMs: 15_000, description: 'context-sync ready again' });
  });

  it('turns readiness false while etcd is down and true again after, naming etcd', async () => {
    await etcd.kill();
    const down = await pollUntil(async () => {
      const answer = await get(`${gatewayUrl}/health/ready`);
      return answer.status === 503 ? answer : undefined;
    }, { timeoutMs: 10_000, description: 'gateway not ready without etcd' });
    expect(JSON.parse(down.body)).toMatchObject({ status: 'error', error: { etcd: { status: 'down' } } });
    expect((await get(`${registryUrl}/health/ready`)).status).toBe(503);
    await etcd.restart();
    for (const url of [gatewayUrl, registryUrl]) {
      await pollUntil(async () => (await get(`${url}/health/ready`)).status === 200 || undefined, { timeoutMs: 30_000, description: `${url} ready again` });
    }
  });
});
