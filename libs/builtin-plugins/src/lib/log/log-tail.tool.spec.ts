import { appendFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runTool, type ToolContext, type ToolDefinition, type ToolResult } from '@pimcp/plugin-sdk';
import { ErrorCode, type PimcpError } from '@pimcp/protocol';
import { pollUntil } from '../../test-support/poll-until.util';
import { resultText } from '../../test-support/result-text.util';
import { tempDir } from '../../test-support/temp-dir.util';
import { toolContext } from '../../test-support/tool-context';
import { parseLogTailConfig } from './log-tail.config';
import { logTailPlugin } from './log-tail.plugin';

interface TailOutput {
  lines: string[];
  followedLines: string[];
  followedCount: number;
  truncated: boolean;
  scannedBytes: number;
}

describe('log.tail', () => {
  const dir = tempDir('log');
  let tool: ToolDefinition;
  const tail = (args: Record<string, unknown>, ctx: Partial<ToolContext> = {}): Promise<ToolResult> => runTool(tool, args, toolContext(ctx));
  const output = (result: ToolResult) => result.structuredContent as unknown as TailOutput;
  // 6000 lines (~100 KB): the backward reader crosses several 64 KiB chunks.
  const big = Array.from({ length: 6000 }, (_, i) => ((i + 1) % 100 === 0 ? `ERROR job ${i + 1} failed` : `info line ${i + 1}`));

  beforeAll(() => {
    writeFileSync(join(dir(), 'app.log'), `${big.join('\n')}\n`);
    writeFileSync(join(dir(), 'open.log'), 'first\nsecond\nno newline at the end');
    writeFileSync(join(dir(), 'evil.log'), `${'a'.repeat(40)}!\n`);
    writeFileSync(join(dir(), 'live.log'), 'old 1\nold 2\n');
    writeFileSync(join(dir(), 'rotating.log'), 'before rotation\n');
    const config = parseLogTailConfig({
      logs: {
        app: join(dir(), 'app.log'), open: join(dir(), 'open.log'), evil: join(dir(), 'evil.log'),
        live: join(dir(), 'live.log'), rotating: join(dir(), 'rotating.log'), gone: join(dir(), 'missing.log'),
      },
      maxLines: 100, maxFollowMs: 5000, pollIntervalMs: 50, regexBudgetMs: 300, maxScanBytes: 64 * 1024,
    });
    [tool] = logTailPlugin(config).tools ?? [];
  });

  it('returns the last N lines in file order', async () => {
    expect(output(await tail({ log: 'app', lines: 3 })).lines).toEqual(['info line 5998', 'info line 5999', 'ERROR job 6000 failed']);
    expect(output(await tail({ log: 'open', lines: 2 })).lines).toEqual(['second', 'no newline at the end']);
    expect(output(await tail({ log: 'open' })).lines).toEqual(['first', 'second', 'no newline at the end']);
  });

  it('filters by substring and by regular expression, across chunk boundaries', async () => {
    const errors = output(await tail({ log: 'app', lines: 5, contains: 'error', ignoreCase: true }));
    expect(errors.lines).toEqual([5600, 5700, 5800, 5900, 6000].map((n) => `ERROR job ${n} failed`));
    const regex = output(await tail({ log: 'app', lines: 2, regex: '^ERROR job 5[0-8]00 ' }));
    expect(regex.lines).toEqual(['ERROR job 5700 failed', 'ERROR job 5800 failed']);
    const both = output(await tail({ log: 'app', lines: 2, contains: 'ERROR', regex: 'job [45]' }));
    expect(both.lines).toEqual(['ERROR job 5800 failed', 'ERROR job 5900 failed']);
  });

  it('stops at the scan limit and says so', async () => {
    const result = output(await tail({ log: 'app', lines: 100, contains: 'ERROR' }));
    expect(result.truncated).toBe(true);
    expect(result.scannedBytes).toBe(64 * 1024);
    expect(result.lines.length).toBeLessThan(100);
  });

  it('stops a regular expression that backtracks without end, as a tool error', async () => {
    const started = Date.now();
    const result = await tail({ log: 'evil', regex: '^(a+)+$' });
    expect(result.isError).toBe(true);
    expect(resultText(result)).toContain('took longer than 300 ms');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('follows the log, streaming appended lines that pass the filter as progress', async () => {
    const messages: string[] = [];
    const call = tail({ log: 'live', lines: 1, contains: 'keep', followMs: 1200 }, { progress: (_p, _t, message) => messages.push(String(message)) });
    await new Promise((resolve) => setTimeout(resolve, 200));
    appendFileSync(join(dir(), 'live.log'), 'keep 1\ndrop 2\nkeep 3 (partial');
    expect(await pollUntil(() => messages.length > 0, 1000)).toBe(true);
    appendFileSync(join(dir(), 'live.log'), ' now ended)\n');
    const result = output(await call);
    expect(result.lines).toEqual([]);
    expect(result.followedLines).toEqual(['keep 1', 'keep 3 (partial now ended)']);
    expect(result.followedCount).toBe(2);
    expect(messages.join('\n')).toBe('keep 1\nkeep 3 (partial now ended)');
  });

  it('reopens a rotated log from its start while following', async () => {
    const call = tail({ log: 'rotating', lines: 1, followMs: 1000 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    renameSync(join(dir(), 'rotating.log'), join(dir(), 'rotating.log.1'));
    writeFileSync(join(dir(), 'rotating.log'), 'after rotation\n');
    const result = output(await call);
    expect(result.lines).toEqual(['before rotation']);
    expect(result.followedLines).toEqual(['after rotation']);
  });

  it('stops following when the call is aborted', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('cancelled by the client')), 150);
    await expect(tail({ log: 'live', followMs: 5000 }, { signal: controller.signal })).rejects.toThrow('cancelled by the client');
  });

  it.each([
    ['an unknown log name', 'kernel', 'no log named "kernel" on this node; logs: app, open, evil, live, rotating, gone'],
    ['an absolute path', '/etc/passwd', 'takes the name of a configured log, not a path'],
    ['a relative path', '../app.log', 'takes the name of a configured log, not a path'],
    ['a name with a path inside', 'app/../../etc/shadow', 'takes the name of a configured log, not a path'],
    ['a log whose file is missing', 'gone', 'log "gone" has no file right now'],
  ])('refuses %s', async (_label, log, message) => {
    const result = await tail({ log });
    expect(result.isError).toBe(true);
    expect(resultText(result)).toContain(message);
    expect(resultText(result)).not.toContain(dir());
  });

  it('refuses arguments outside its schema', async () => {
    await expect(tail({ log: 'app', lines: 101 })).rejects.toMatchObject({ code: ErrorCode.InvalidArguments });
    await expect(tail({ log: 'app', regex: 'x'.repeat(201) })).rejects.toMatchObject({ code: ErrorCode.InvalidArguments });
    await expect(tail({ log: 'app', path: '/etc/passwd' })).rejects.toMatchObject({ code: ErrorCode.InvalidArguments });
  });
});

describe('parseLogTailConfig', () => {
  it.each([undefined, null, {}])('names no log for an absent or empty section (%p): the plugin offers no tool', (raw) => {
    expect(logTailPlugin(parseLogTailConfig(raw)).tools).toEqual([]);
  });

  it('lists every problem with its field path', () => {
    let error: PimcpError | undefined;
    try {
      parseLogTailConfig({ logs: { 'bad name': '/var/log/x.log', app: 'relative.log', sys: '/var/log/../etc/shadow' }, maxLines: 0, journald: true });
    } catch (err) {
      error = err as PimcpError;
    }
    expect(error?.code).toBe(ErrorCode.InvalidRequest);
    expect(error?.problems.map((p) => p.path).sort()).toEqual(['journald', 'logs.app', 'logs.sys', 'logs["bad name"]', 'maxLines']);
  });
});
