import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pollUntil } from '@pimcp/testing';
import { CliProcess, type CliRun, runCli } from './run-cli';
import { SpawnedProcess } from './spawned-process';

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// Each test runs several CLI processes; on a loaded machine one may take seconds to start.
jest.setTimeout(180_000);

describe('pimcp commands (e2e): the built CLI against one `pimcp up` on embedded stores', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'pimcp-cli-'));
  let up: SpawnedProcess;
  const pimcp = (args: string[], env: Record<string, string> = {}, timeoutMs?: number): Promise<CliRun> => runCli(args, { cwd, env }, timeoutMs);
  const json = <T>(run: CliRun): T => {
    if (run.code !== 0) throw new Error(`pimcp exited ${run.code}:\n${run.stderr}`);
    return JSON.parse(run.stdout) as T;
  };

  beforeAll(async () => {
    up = SpawnedProcess.start('cli', ['up', '--nodes', '1'], {
      cwd,
      env: {
        PIMCP_GATEWAY_PORT: '0', PIMCP_REGISTRY_HTTP_PORT: '0', PIMCP_REGISTRY_LINK_PORT: '0', PIMCP_CONTEXT_SYNC_HTTP_PORT: '0',
        PIMCP_NODE_PLUGINS: 'conformance-fixtures',
      },
    });
    await up.waitFor(/(Press Ctrl-C to stop)/, 60_000);
  }, 90_000);

  afterAll(async () => {
    await up?.stop();
  });

  it('finds the pimcp up of its folder by itself (no flags or variables) and lists its node', async () => {
    expect(existsSync(join(cwd, '.pimcp/endpoints.json'))).toBe(true);
    const table = await pimcp(['nodes', 'list']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^NODE +TIER +REGION +ARCH +STATE/);
    expect(table.stdout).toMatch(new RegExp(`\\nlocal +edge +- +${process.arch} +ready`));
    const nodes = json<Array<{ nodeId: string; draining: boolean; capabilities: string[] }>>(await pimcp(['nodes', 'list', '--json']));
    expect(nodes).toEqual([expect.objectContaining({ nodeId: 'local', draining: false, capabilities: expect.arrayContaining(['system.info']) })]);
  });

  it('lists the gateway\'s tools with the nodes that offer them, and one node\'s aliases', async () => {
    const tools = json<Array<{ name: string; nodes: string[] }>>(await pimcp(['tools', 'list', '--json']));
    expect(tools).toEqual(expect.arrayContaining([
      expect.objectContaining({ name: 'system.info', nodes: ['local'] }),
      expect.objectContaining({ name: 'context.get', nodes: [] }),
    ]));
    expect(tools.map((t) => t.name)).not.toContain('local.system.info');
    const aliases = await pimcp(['tools', 'list', '--node', 'local']);
    expect(aliases.stdout).toMatch(/\nlocal\.system\.info +Describe the node/);
  });

  it('calls a tool: structured content as JSON, typed --arg values, a tool error as exit 1', async () => {
    const info = await pimcp(['call', 'system.info']);
    expect(info.code).toBe(0);
    expect(JSON.parse(info.stdout)).toMatchObject({ nodeId: 'local', platform: process.platform });
    const progress = await pimcp(['call', 'test_tool_with_progress', '--arg', 'delayMs=10']);
    expect(progress).toMatchObject({ code: 0, stdout: 'Progress test completed\n' });
    const failed = await pimcp(['call', 'test_error_handling']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('test_error_handling reported an error: This tool intentionally returns an error');
    const whole = json<{ isError?: boolean; _meta: Record<string, unknown> }>(await pimcp(['call', 'local.system.info', '--json']));
    expect(whole._meta['io.pimcp/node']).toBe('local');
  });

  it('writes a context key and reads it back, and refuses a stale compare-and-set with exit 1', async () => {
    expect(await pimcp(['ctx', 'put', 'e2e', 'plan', '{"step":1}'])).toMatchObject({ code: 0, stdout: 'wrote e2e/plan (revision 1)\n' });
    expect(JSON.parse((await pimcp(['ctx', 'get', 'e2e', 'plan'])).stdout)).toEqual({ step: 1 });
    expect(json<{ entries: Array<{ key: string }> }>(await pimcp(['ctx', 'get', 'e2e', '--json'])).entries.map((e) => e.key)).toEqual(['plan']);
    const stale = await pimcp(['ctx', 'put', 'e2e', 'plan', '2', '--if-revision', '0']);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('revision conflict');
    expect((await pimcp(['ctx', 'get', 'e2e', 'missing'])).code).toBe(1);
  });

  it('watches a context and prints a change another command writes', async () => {
    const watch = new CliProcess(['ctx', 'watch', 'e2e-watch', '--count', '1', '--json'], { cwd });
    try {
      await watch.waitForStderr(/watching context "e2e-watch"/);
      expect((await pimcp(['ctx', 'put', 'e2e-watch', 'seen', '{"by":"another command"}'])).code).toBe(0);
      const result = await watch.result(20_000);
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual({ context: 'e2e-watch', key: 'seen', revision: 1, value: { by: 'another command' } });
    } finally {
      watch.kill('SIGKILL');
    }
  });

  it('disables a tool (gone from the list), then enables it again', async () => {
    const names = async () => json<Array<{ name: string }>>(await pimcp(['tools', 'list', '--json'])).map((t) => t.name);
    try {
      expect(await pimcp(['tools', 'disable', 'system.info'])).toMatchObject({ code: 0, stdout: expect.stringContaining('system.info disabled on every node') });
      await pollUntil(async () => !(await names()).includes('system.info') || undefined, { timeoutMs: 60_000, description: 'system.info to leave the list' });
      expect((await pimcp(['call', 'system.info'])).code).toBe(1);
    } finally {
      // Later tests call system.info: switch it back on even when an assertion above failed.
      expect((await pimcp(['tools', 'enable', 'system.info'])).code).toBe(0);
    }
    await pollUntil(async () => (await names()).includes('system.info') || undefined, { timeoutMs: 60_000, description: 'system.info to come back' });
  });

  it('sets a tool set that a token with toolset:<name> then uses at once, lists and gets it, and deletes it again', async () => {
    const token = (await pimcp(['token', 'mint', '--sub', 'e2e-auditor', '--scope', 'toolset:e2e-auditors', '--ttl', '5m'])).stdout.trim();
    const visible = async () => json<Array<{ name: string }>>(await pimcp(['tools', 'list', '--json'], { PIMCP_TOKEN: token })).map((t) => t.name);
    expect(await visible()).not.toContain('system.info');
    const set = await pimcp(['toolsets', 'set', 'e2e-auditors', 'system.*', '--json']);
    expect(json<{ name: string; patterns: string[] }>(set)).toMatchObject({ name: 'e2e-auditors', patterns: ['system.*'] });
    await pollUntil(async () => (await visible()).includes('system.info') || undefined, { timeoutMs: 60_000, description: 'the tool set to reach the gateway' });
    expect((await pimcp(['call', 'system.info'], { PIMCP_TOKEN: token })).code).toBe(0);
    expect(json<Array<{ name: string }>>(await pimcp(['toolsets', 'list', '--json']))).toEqual([expect.objectContaining({ name: 'e2e-auditors', patterns: ['system.*'] })]);
    expect((await pimcp(['toolsets', 'list'])).stdout).toMatch(/NAME +SCOPE +PATTERNS[\s\S]*e2e-auditors +toolset:e2e-auditors +system\.\*/);
    expect((await pimcp(['toolsets', 'get', 'e2e-auditors'])).stdout).toContain('system.*');
    const bad = await pimcp(['toolsets', 'set', 'e2e-auditors', 'toolset:other']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('patterns[0]');
    expect((await pimcp(['toolsets', 'delete', 'e2e-auditors'])).code).toBe(0);
    await pollUntil(async () => !(await visible()).includes('system.info') || undefined, { timeoutMs: 60_000, description: 'the tool set to leave the gateway' });
    const gone = await pimcp(['toolsets', 'get', 'e2e-auditors']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('no tool set "e2e-auditors"');
  });

  it('mints a token the gateway accepts, and one for another audience that it refuses (exit 4)', async () => {
    const minted = await pimcp(['token', 'mint', '--sub', 'e2e-bot', '--ttl', '5m']);
    expect(minted.code).toBe(0);
    const token = minted.stdout.trim();
    expect(token.split('.')).toHaveLength(3);
    const info = await pimcp(['call', 'system.info', '--token-file', '/nonexistent'], { PIMCP_TOKEN: token });
    expect(info.code).toBe(4); // an explicit --token-file wins over PIMCP_TOKEN, and it is missing
    expect((await pimcp(['call', 'system.info'], { PIMCP_TOKEN: token })).code).toBe(0);
    const foreign = (await pimcp(['token', 'mint', '--aud', 'https://elsewhere.example/mcp'])).stdout.trim();
    const refused = await pimcp(['tools', 'list'], { PIMCP_TOKEN: foreign });
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain('refused the credentials (HTTP 401');
    expect(refused.stderr).not.toContain(foreign);
  });

  it('benchmarks a tool and prints latency percentiles and throughput', async () => {
    const report = json<{ succeeded: number; failed: number; concurrency: number; callsPerSecond: number; latencyMs: Record<string, number> }>(
      await pimcp(['bench', '--calls', '40', '--concurrency', '2', '--warmup', '2', '--json'], {}, 60_000),
    );
    expect(report).toMatchObject({ succeeded: 40, failed: 0, concurrency: 2 });
    expect(report.callsPerSecond).toBeGreaterThan(0);
    expect(report.latencyMs['p50']).toBeGreaterThan(0);
    expect(report.latencyMs['p99']).toBeGreaterThanOrEqual(report.latencyMs['p50'] as number);
    const table = await pimcp(['bench', '--calls', '10', '--concurrency', '1'], {}, 60_000);
    expect(table.stdout).toMatch(/10 of 10 calls succeeded[\s\S]*latency ms +[\d.]+ +[\d.]+[\s\S]*throughput: [\d.]+ calls\/s/);
  });

  it('exits 3 with what to do when the gateway or registry is unreachable', async () => {
    const port = await closedPort();
    const gateway = await pimcp(['tools', 'list', '--gateway', `http://127.0.0.1:${port}/mcp`]);
    expect(gateway.code).toBe(3);
    expect(gateway.stderr).toContain('Is `npm start` (pimcp up) running? Otherwise pass --gateway');
    const registry = await pimcp(['nodes', 'list'], { PIMCP_REGISTRY_ADMIN_URL: `http://127.0.0.1:${port}` });
    expect(registry.code).toBe(3);
    expect(registry.stderr).toContain('cannot reach the registry');
  });

  it('exits 2 on bad usage, naming the problem', async () => {
    expect((await pimcp(['call'])).code).toBe(2);
    expect((await pimcp(['nodes', 'lst'])).code).toBe(2);
    expect((await pimcp(['bench', '--calls', '0'])).code).toBe(2);
    const badArg = await pimcp(['call', 'system.info', '--arg', 'colour=red']);
    expect(badArg.code).toBe(2);
    expect(badArg.stderr).toContain('the tool takes no argument "colour"');
  });

  it('drains a node (shown as draining) and refuses an unknown one with exit 1', async () => {
    expect((await pimcp(['nodes', 'drain', 'local'])).stdout).toContain('node local is draining');
    expect(json<Array<{ draining: boolean }>>(await pimcp(['nodes', 'list', '--json']))[0]?.draining).toBe(true);
    const unknown = await pimcp(['nodes', 'drain', 'ghost']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('"ghost" is not registered');
  });
});
