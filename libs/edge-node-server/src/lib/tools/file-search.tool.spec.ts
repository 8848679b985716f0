import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode } from '@pimcp/protocol';
import { runTool, type ToolContext, type ToolResult } from '@pimcp/plugin-sdk';
import { jailFixture } from '../../test-support/jail-fixture';
import { toolContext } from '../../test-support/tool-context';
import { type FileSearchLimits, fileSearchTool } from './file-search.tool';
import { PathJail } from './path-jail';

const limits: FileSearchLimits = { maxResults: 100, maxFilesScanned: 1000, maxDepth: 10, maxContentBytes: 1024, maxTotalBytes: 1024 * 1024, regexBudgetMs: 5000 };
// Generous for ordinary searches: a worker thread starting on a loaded CI machine must not fail them.
const text = (result: ToolResult) => String((result.content?.[0] as { text?: string } | undefined)?.text);
const paths = (result: ToolResult) => (result.structuredContent?.['matches'] as Array<{ path: string }>).map((m) => m.path);

describe('file.search', () => {
  const { root } = jailFixture();
  let jail: PathJail;
  const search = (args: Record<string, unknown>, custom: Partial<FileSearchLimits> = {}, ctx: Partial<ToolContext> = {}) =>
    runTool(fileSearchTool(jail, { ...limits, ...custom }), args, toolContext(ctx));

  beforeAll(async () => {
    writeFileSync(join(root, 'large.log'), `error: large\n${'x'.repeat(2000)}\n`);
    jail = await PathJail.create(root);
  });

  it('lists files by glob, never following a symlink (out of the root or within it)', async () => {
    expect(paths(await search({}))).toEqual([
      'evil.txt', 'image.bin', 'large.log', 'logs/app.log', 'logs/deep/deeper/oldest.log', 'logs/deep/old.log', 'notes.md', 'utf8.txt',
    ]);
    const sneaky = await search({ pattern: '**/*secret*' });
    expect(paths(sneaky)).toEqual([]);
  });

  it('matches a pattern without "/" at any depth, and one with "/" from the search path', async () => {
    expect(paths(await search({ pattern: '*.log' }))).toEqual(['large.log', 'logs/app.log', 'logs/deep/deeper/oldest.log', 'logs/deep/old.log']);
    expect(paths(await search({ pattern: 'deep/*.log', path: 'logs' }))).toEqual(['logs/deep/old.log']);
  });

  it('finds lines by regular expression, skipping binary and oversized files', async () => {
    const result = await search({ contains: '^error' });
    expect(result.structuredContent?.['matches']).toEqual([
      { path: 'logs/app.log', line: 2, text: 'error: timeout' },
      { path: 'logs/deep/deeper/oldest.log', line: 1, text: 'error: prehistoric' },
      { path: 'logs/deep/old.log', line: 1, text: 'error: ancient' },
      { path: 'notes.md', line: 2, text: 'error: disk full' },
    ]);
    expect(text(result)).toContain('notes.md:2: error: disk full');
  });

  it('searches hidden files only when asked', async () => {
    expect(paths(await search({ contains: 'hidden' }))).toEqual([]);
    expect(paths(await search({ contains: 'hidden', includeHidden: true }))).toEqual(['.hidden/env.log']);
  });

  it('stops at each limit with truncated: true', async () => {
    expect((await search({ maxResults: 1 })).structuredContent).toMatchObject({ truncated: true, matches: [expect.anything()] });
    expect(paths(await search({ pattern: '*.log' }, { maxDepth: 1 }))).toEqual(['large.log', 'logs/app.log']);
    expect((await search({ pattern: '*.log' }, { maxDepth: 1 })).structuredContent).toMatchObject({ truncated: true });
    expect((await search({}, { maxFilesScanned: 2 })).structuredContent).toMatchObject({ scannedFiles: 2, truncated: true });
    expect((await search({ contains: 'error' }, { maxTotalBytes: 10 })).structuredContent).toMatchObject({ truncated: true });
  });

  it('stops a regular expression that backtracks forever, without blocking the node', async () => {
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    const started = Date.now();
    const result = await search({ contains: '^(a+)+$', pattern: 'evil.txt' }, { regexBudgetMs: 1000 });
    clearInterval(ticker);
    expect(result.isError).toBe(true);
    expect(text(result)).toContain('took longer than 1000 ms on "evil.txt"');
    expect(Date.now() - started).toBeLessThan(8000);
    // The event loop kept turning while the pattern spun on its own thread.
    expect(ticks).toBeGreaterThan(5);
  });

  it('stops when the call is aborted', async () => {
    const controller = new AbortController();
    const reason = new Error('cancelled');
    controller.abort(reason);
    await expect(search({}, {}, { signal: controller.signal })).rejects.toBe(reason);
  });

  it.each([
    ['an invalid regular expression', { contains: '(' }, 'not a valid regular expression'],
    ['a search path outside the root', { path: '..' }, 'outside'],
    ['a search path through a symlink out', { path: 'link-to-top' }, 'symlink'],
    ['a search path that is a file', { path: 'notes.md' }, 'is a file'],
  ])('refuses %s as a tool error', async (_label, args, message) => {
    const result = await search(args);
    expect(result.isError).toBe(true);
    expect(text(result)).toContain(message);
  });

  it('refuses arguments outside its schema', async () => {
    await expect(search({ maxResults: 1000 })).rejects.toMatchObject({ code: ErrorCode.InvalidArguments });
    await expect(search({ glob: '*' })).rejects.toMatchObject({ code: ErrorCode.InvalidArguments, message: expect.stringContaining('arguments.glob') });
  });

  it('reports progress on long walks', async () => {
    const many = join(root, 'many');
    mkdirSync(many);
    for (let i = 0; i < 1001; i++) writeFileSync(join(many, `f${i}.txt`), '');
    const progress = jest.fn();
    await search({ path: 'many', pattern: 'none-*' }, { maxFilesScanned: 5000 }, { progress });
    expect(progress).toHaveBeenCalledWith(1000, undefined, 'looked at 1000 files');
  });
});
