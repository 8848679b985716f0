import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { runTool, type ToolContext, type ToolDefinition, type ToolResult } from '@pimcp/plugin-sdk';
import { ErrorCode } from '@pimcp/protocol';
import { pollUntil } from '../../test-support/poll-until.util';
import { processAlive } from '../../test-support/process-alive.util';
import { resultText } from '../../test-support/result-text.util';
import { tempDir } from '../../test-support/temp-dir.util';
import { toolContext } from '../../test-support/tool-context';
import { parseShellRunConfig } from './shell-run.config';
import { shellRunPlugin } from './shell-run.plugin';

// Scripts /bin/sh may run, matched literally: each prints a pid first so a test can check it is gone.
const BACKGROUND_CHILD = 'sleep 30 & echo $!; wait';
const SELF_THEN_SLEEP = 'echo $$; exec sleep 30';
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('shell.run', () => {
  const dir = tempDir('shell');
  let tool: ToolDefinition;
  let root: string;
  const run = (args: Record<string, unknown>, ctx: Partial<ToolContext> = {}): Promise<ToolResult> => runTool(tool, args, toolContext(ctx));

  beforeAll(() => {
    root = join(dir(), 'work');
    mkdirSync(join(root, 'sub'), { recursive: true });
    mkdirSync(join(dir(), 'outside'));
    mkdirSync(join(dir(), 'links'));
    symlinkSync(join(dir(), 'outside'), join(root, 'escape'));
    symlinkSync('/usr/bin/id', join(dir(), 'links', 'echo'));
    symlinkSync('/usr/bin/printf', join(dir(), 'links', 'my-printf'));
    process.env['PIMCP_TEST_SECRET'] = 'hunter2-secret';
    process.env['PIMCP_TEST_PASSED'] = 'passed-on';
    const config = parseShellRunConfig({
      workingDirectory: root,
      passEnv: ['PIMCP_TEST_PASSED'],
      maxOutputBytes: 4096,
      killOutputBytes: 256 * 1024,
      maxStdinBytes: 1024,
      timeoutMs: 5000,
      executables: {
        '/bin/echo': { args: ['[\\s\\S]*'] }, // anything: shows that shell syntax is passed literally
        '/usr/bin/printf': { args: ['[a-z0-9 %]+'], maxArgs: 2 },
        '/usr/bin/env': null,
        '/usr/bin/pwd': null,
        '/usr/bin/seq': { args: ['[0-9]+'] },
        '/usr/bin/yes': null,
        '/bin/cat': null,
        '/bin/sh': { args: ['-c', escape(BACKGROUND_CHILD), escape(SELF_THEN_SLEEP)] },
      },
    });
    [tool] = shellRunPlugin(config).tools ?? [];
  });

  afterAll(() => {
    delete process.env['PIMCP_TEST_SECRET'];
    delete process.env['PIMCP_TEST_PASSED'];
  });

  it('runs an allowed program with its arguments and streams its output as progress', async () => {
    const progress: Array<[number, string | undefined]> = [];
    const result = await run({ argv: ['/usr/bin/printf', '%s world', 'hello'] }, { progress: (p, _t, m) => progress.push([p, m]) });
    expect(result.isError).toBeUndefined();
    expect(result.structuredContent).toMatchObject({ exitCode: 0, signal: null, stdout: 'hello world', stderr: '', truncated: false, timedOut: false });
    expect(progress).toEqual([[11, 'hello world']]);
  });

  it('finds an allowed program by its bare name or by a path that resolves to it', async () => {
    expect((await run({ argv: ['echo', 'by', 'name'] })).structuredContent).toMatchObject({ stdout: 'by name\n' });
    const viaLink = await run({ argv: [join(dir(), 'links', 'my-printf'), 'linked'] });
    expect(viaLink.structuredContent).toMatchObject({ stdout: 'linked' });
  });

  it('passes shell syntax in arguments to the program literally and never runs it', async () => {
    const marker = (name: string) => join(dir(), name);
    const argv = ['/bin/echo', `$(touch ${marker('a')})`, `\`touch ${marker('b')}\``, `; touch ${marker('c')}`, `x\ntouch ${marker('d')}`, `| touch ${marker('e')}`];
    const result = await run({ argv });
    expect(result.structuredContent).toMatchObject({ exitCode: 0, stdout: `${argv.slice(1).join(' ')}\n` });
    for (const name of ['a', 'b', 'c', 'd', 'e']) expect(existsSync(marker(name))).toBe(false);
  });

  it('refuses an argument that does not match the program\'s pattern, before running anything', async () => {
    const result = await run({ argv: ['/usr/bin/printf', 'hi; touch x'] });
    expect(result.isError).toBe(true);
    expect(resultText(result)).toContain('argument 1 ("hi; touch x") is not allowed for /usr/bin/printf');
    expect(resultText(await run({ argv: ['/usr/bin/printf', 'a', 'b', 'c'] }))).toContain('at most 2 arguments');
    expect(resultText(await run({ argv: ['/usr/bin/env', 'FOO=1', '/bin/sh'] }))).toContain('/usr/bin/env takes no arguments');
  });

  it.each([
    ['a program not in the allowlist', '/usr/bin/id', 'is not an allowed program'],
    ['an unknown bare name', 'id', 'is not an allowed program'],
    ['a relative path', './echo', 'is a relative path'],
    ['a missing file', '/nonexistent/echo', 'cannot be run (ENOENT)'],
  ])('refuses %s', async (_label, program, message) => {
    const result = await run({ argv: [program] });
    expect(result.isError).toBe(true);
    expect(resultText(result)).toContain(message);
  });

  it('refuses a symlink named like an allowed program that points at another one', async () => {
    const result = await run({ argv: [join(dir(), 'links', 'echo'), 'hi'] });
    expect(result.isError).toBe(true);
    expect(resultText(result)).toContain('is not an allowed program (it resolves to /usr/bin/id)');
  });

  it('runs in the working directory or below it, and refuses a cwd that leaves it', async () => {
    expect((await run({ argv: ['/usr/bin/pwd'] })).structuredContent).toMatchObject({ stdout: `${root}\n` });
    expect((await run({ argv: ['/usr/bin/pwd'], cwd: 'sub' })).structuredContent).toMatchObject({ stdout: `${join(root, 'sub')}\n` });
    for (const [cwd, message] of [['..', 'is outside the working directory'], ['/tmp', 'is outside the working directory'], ['escape', 'resolves (through a symlink) outside'], ['missing', 'cannot be used (ENOENT)']]) {
      const result = await run({ argv: ['/usr/bin/pwd'], cwd });
      expect(result.isError).toBe(true);
      expect(resultText(result)).toContain(message);
    }
  });

  it('gives the program only the configured environment, never the node\'s secrets', async () => {
    const { stdout } = (await run({ argv: ['/usr/bin/env'] })).structuredContent as { stdout: string };
    expect(stdout).not.toContain('hunter2-secret');
    expect(stdout.trim().split('\n').sort()).toEqual(['LANG=C.UTF-8', 'PATH=/usr/local/bin:/usr/bin:/bin', 'PIMCP_TEST_PASSED=passed-on']);
  });

  it('feeds stdin when given', async () => {
    expect((await run({ argv: ['/bin/cat'], stdin: 'from stdin' })).structuredContent).toMatchObject({ stdout: 'from stdin' });
  });

  it('cuts output at the cap and says how much there was', async () => {
    const result = await run({ argv: ['/usr/bin/seq', '20000'] });
    const out = result.structuredContent as { stdout: string; stdoutBytes: number; truncated: boolean; exitCode: number };
    expect(result.isError).toBeUndefined();
    expect(out).toMatchObject({ exitCode: 0, truncated: true, stdoutBytes: 108894 });
    expect(Buffer.byteLength(out.stdout)).toBe(4096);
    expect(resultText(result)).toContain('output cut: stdout 108894 bytes');
  });

  it('kills a program that floods its output far beyond the cap', async () => {
    const result = await run({ argv: ['/usr/bin/yes'] });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toMatchObject({ signal: 'SIGKILL', truncated: true });
    expect(resultText(result)).toContain('wrote more than 262144 bytes');
  });

  it('kills the whole process group on timeout, grandchildren included', async () => {
    const result = await run({ argv: ['/bin/sh', '-c', BACKGROUND_CHILD], timeoutMs: 500 });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toMatchObject({ timedOut: true, signal: 'SIGKILL' });
    expect(resultText(result)).toContain('killed after 500 ms');
    const grandchild = Number((result.structuredContent as { stdout: string }).stdout.trim());
    expect(grandchild).toBeGreaterThan(1);
    expect(await pollUntil(() => !processAlive(grandchild), 2000)).toBe(true);
  });

  it('kills the program when the call is aborted and rejects with the abort reason', async () => {
    const controller = new AbortController();
    let pid = 0;
    const call = run({ argv: ['/bin/sh', '-c', SELF_THEN_SLEEP] }, {
      signal: controller.signal,
      progress: (_p, _t, message) => {
        pid = Number(message);
        controller.abort(new Error('cancelled by the client'));
      },
    });
    await expect(call).rejects.toThrow('cancelled by the client');
    expect(pid).toBeGreaterThan(1);
    expect(await pollUntil(() => !processAlive(pid), 2000)).toBe(true);
  });

  it('refuses arguments outside its schema', async () => {
    await expect(run({ argv: 'echo hi; id' })).rejects.toMatchObject({ code: ErrorCode.InvalidArguments });
    await expect(run({ argv: ['/bin/echo'], shell: true })).rejects.toMatchObject({ code: ErrorCode.InvalidArguments });
    await expect(run({ argv: ['/usr/bin/pwd'], timeoutMs: 60_000 })).rejects.toMatchObject({ code: ErrorCode.InvalidArguments });
  });
});
