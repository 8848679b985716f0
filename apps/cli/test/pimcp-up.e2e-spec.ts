import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryClient } from '@pimcp/registry-client';
import { pollUntil } from '@pimcp/testing';

const CLI = join(__dirname, '../../../dist/apps/cli/main.js');

describe('pimcp up (e2e, embedded store)', () => {
  let child: ChildProcess;
  let output = '';
  const cwd = mkdtempSync(join(tmpdir(), 'pimcp-up-'));

  beforeAll(async () => {
    child = spawn(process.execPath, [CLI, 'up', '--nodes', '0'], {
      cwd,
      env: { PATH: process.env['PATH'] ?? '', PIMCP_GATEWAY_PORT: '0', PIMCP_REGISTRY_HTTP_PORT: '0', PIMCP_REGISTRY_LINK_PORT: '0', PIMCP_CONTEXT_SYNC_HTTP_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    await pollUntil(() => output.includes('Press Ctrl-C to stop'), { timeoutMs: 60_000, description: `pimcp up to start; output: ${output}` });
  }, 90_000);

  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('serves the registry on the embedded store, writes a private dev token, and stops cleanly on SIGINT', async () => {
    expect(output).toContain('the embedded store');
    expect(statSync(join(cwd, '.pimcp/dev-token')).mode & 0o777).toBe(0o600);
    const adminUrl = /registry admin API: (\S+)/.exec(output)?.[1];
    const link = /node link: +tcp:\/\/([\d.]+):(\d+)/.exec(output);
    if (!adminUrl || !link?.[1] || !link[2]) throw new Error(`unexpected output: ${output}`);
    // Where the other pimcp commands in this folder find it (ADR 0019).
    const endpoints = JSON.parse(readFileSync(join(cwd, '.pimcp/endpoints.json'), 'utf8')) as { pid: number; mcpUrl: string; registryAdminUrl: string };
    expect(endpoints).toMatchObject({ pid: child.pid, mcpUrl: /MCP endpoint: +(\S+)/.exec(output)?.[1] });
    expect(`${endpoints.registryAdminUrl}/v1/catalog`).toBe(adminUrl);

    const client = new RegistryClient({ host: link[1], port: Number(link[2]) });
    await client.join({
      nodeId: 'pi-up',
      labels: { tier: 'edge' },
      linkAddress: 'tcp://127.0.0.1:7600',
      capabilities: [{ name: 'system.info', description: 'Node facts', inputSchema: { type: 'object' }, version: '1.0.0', costClass: 'light' }],
    });
    const catalog = (await (await fetch(adminUrl)).json()) as { nodes: Array<{ nodeId: string }> };
    expect(catalog.nodes.map((n) => n.nodeId)).toEqual(['pi-up']);
    client.close();

    // context-sync runs in the same process on the embedded context store, and leads alone.
    const statsUrl = /context stats: +(\S+)/.exec(output)?.[1];
    const stats = (await (await fetch(String(statsUrl))).json()) as { isLeader: boolean; contexts: { contexts: number } };
    expect(stats).toMatchObject({ isLeader: true, contexts: { contexts: 0 } });

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('stopping...');
    expect(existsSync(join(cwd, '.pimcp/endpoints.json'))).toBe(false);
  });

  it('exits non-zero naming the variable when a setting is wrong', async () => {
    const bad = spawn(process.execPath, [CLI, 'up'], { cwd, env: { PATH: process.env['PATH'] ?? '', PIMCP_REGISTRY_LEASE_TTL_SECONDS: 'soon' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    bad.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => bad.once('exit', resolve));
    expect(code).toBe(1);
    expect(err).toContain('PIMCP_REGISTRY_LEASE_TTL_SECONDS must be a whole number');
  });
});
