import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { ErrorCode } from '@pimcp/protocol';
import { RegistryClient } from '@pimcp/registry-client';
import { CliProcess, runCli } from './run-cli';
import { DIST } from './spawned-process';

const PORTS = { PIMCP_GATEWAY_PORT: '0', PIMCP_REGISTRY_HTTP_PORT: '0', PIMCP_REGISTRY_LINK_PORT: '0', PIMCP_CONTEXT_SYNC_HTTP_PORT: '0' };

/** What a plain HTTP request to a TLS port gets: no HTTP answer at all. */
async function plainHttpOutcome(url: string): Promise<string> {
  return fetch(url.replace(/^https:/, 'http:'), { signal: AbortSignal.timeout(5000) }).then(
    (res) => `HTTP ${res.status}`,
    (err: { cause?: { code?: string } }) => `no answer (${err.cause?.code ?? 'error'})`,
  );
}

describe('pimcp up --tls (e2e, built CLI)', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'pimcp-up-tls-'));
  const elsewhere = mkdtempSync(join(tmpdir(), 'pimcp-up-tls-other-'));
  let up: CliProcess;
  const field = (label: string) => {
    const value = new RegExp(`${label}: +(\\S+)`).exec(up.stdout)?.[1];
    if (!value) throw new Error(`no "${label}" in the output of pimcp up:\n${up.stdout}\n${up.stderr}`);
    return value;
  };

  beforeAll(async () => {
    up = new CliProcess(['up', '--tls'], { cwd, env: PORTS });
    await up.waitForStdout(/Press Ctrl-C to stop/, 90_000);
  }, 120_000);

  afterAll(async () => {
    up?.kill('SIGKILL');
    await up?.exited;
    rmSync(cwd, { recursive: true, force: true });
    rmSync(elsewhere, { recursive: true, force: true });
  });

  it('creates the development certificates in .pimcp/certs and serves every endpoint over HTTPS', () => {
    for (const name of ['gateway', 'registry', 'context-sync', 'node-local']) {
      expect(existsSync(join(cwd, `.pimcp/certs/${name}.crt`))).toBe(true);
      expect(statSync(join(cwd, `.pimcp/certs/${name}.key`)).mode & 0o777).toBe(0o600);
    }
    expect(field('MCP endpoint')).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(field('registry admin API')).toMatch(/^https:/);
    expect(field('context stats')).toMatch(/^https:/);
    const endpoints = JSON.parse(readFileSync(join(cwd, '.pimcp/endpoints.json'), 'utf8')) as { caFile?: string };
    expect(endpoints.caFile).toBe(join(cwd, '.pimcp/certs/ca.crt'));
  });

  it('pimcp call in the same folder trusts the dev CA and the call crosses the HTTPS gateway and the mTLS node link', async () => {
    const call = await runCli(['call', 'system.info', '--json'], { cwd }, 60_000);

    expect({ code: call.code, stderr: call.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(call.stdout)).toMatchObject({ structuredContent: { nodeId: 'local' } });
  });

  it('pimcp connect elsewhere reaches the TLS gateway with --ca-file; without it the CLI says how to trust the CA', async () => {
    const mcpUrl = field('MCP endpoint');
    const tokenFile = join(cwd, '.pimcp/dev-token');
    const client = new Client({ name: 'desktop', version: '1' });
    await client.connect(new StdioClientTransport({
      command: process.execPath, cwd: elsewhere, stderr: 'pipe',
      args: [join(DIST, 'cli/main.js'), 'connect', mcpUrl, '--token-file', tokenFile, '--ca-file', join(cwd, '.pimcp/certs/ca.crt')],
    }));
    try {
      const result = await client.callTool({ name: 'system.info', arguments: {} });
      expect(result.structuredContent).toMatchObject({ nodeId: 'local' });
    } finally {
      await client.close();
    }

    const untrusted = await runCli(['call', 'system.info', '--gateway', mcpUrl, '--token-file', tokenFile], { cwd: elsewhere }, 60_000);
    expect(untrusted.code).toBe(3);
    expect(untrusted.stderr).toMatch(/not signed by a CA this command trusts: pass --ca-file/);
  });

  it('plain HTTP to the gateway\'s and the registry admin API\'s TLS ports gets no answer', async () => {
    for (const url of [field('MCP endpoint'), field('registry admin API'), field('context stats')]) {
      expect({ url, outcome: await plainHttpOutcome(url) }).toEqual({ url, outcome: expect.stringMatching(/^no answer/) });
    }
  });

  it('the registry\'s node link refuses a node without a certificate from the dev CA', async () => {
    const link = /node link: +tcp:\/\/([\d.]+):(\d+)/.exec(up.stdout);
    const client = new RegistryClient({ host: link?.[1] ?? '', port: Number(link?.[2]), requestTimeoutMs: 3000 });
    try {
      await expect(client.join({ nodeId: 'intruder', labels: {}, linkAddress: 'tcp://127.0.0.1:7600', capabilities: [] }))
        .rejects.toMatchObject({ code: ErrorCode.RegistryUnavailable });
    } finally {
      client.close();
    }
  });

  it('stops cleanly on SIGINT, and a second start reuses the certificates', async () => {
    const caBefore = readFileSync(join(cwd, '.pimcp/certs/ca.crt'), 'utf8');
    up.kill('SIGINT');
    expect(await up.exited).toBe(0);

    const again = new CliProcess(['up', '--tls', '--nodes', '0'], { cwd, env: PORTS });
    try {
      await again.waitForStdout(/Press Ctrl-C to stop/, 90_000);
      expect(again.stdout).not.toContain('issued now');
      expect(readFileSync(join(cwd, '.pimcp/certs/ca.crt'), 'utf8')).toBe(caBefore);
    } finally {
      again.kill('SIGINT');
      await again.exited;
    }
  }, 120_000);
});
