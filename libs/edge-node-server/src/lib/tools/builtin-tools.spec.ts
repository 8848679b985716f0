import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ToolContext, ToolDefinition, ToolResult } from '@pimcp/plugin-sdk';
import { ToolError } from '@pimcp/plugin-sdk';
import { fileReadTool } from './file-read.tool';
import { fileSearchTool } from './file-search.tool';
import { PathJail } from './path-jail';
import { systemInfoTool } from './system-info.tool';

/** Lays out a root with a secret next to it, and links that try to reach the secret. */
function fixture() {
  const top = mkdtempSync(join(tmpdir(), 'pimcp-jail-'));
  const root = join(top, 'root');
  mkdirSync(join(root, 'logs/deep'), { recursive: true });
  writeFileSync(join(top, 'secret.txt'), 'TOP SECRET\n');
  writeFileSync(join(root, 'notes.md'), 'first line\nerror: disk full\nlast line\n');
  writeFileSync(join(root, 'logs/app.log'), 'ok\nerror: timeout\n');
  writeFileSync(join(root, 'logs/deep/old.log'), 'error: ancient\n');
  writeFileSync(join(root, 'image.bin'), Buffer.from([0x89, 0x50, 0x00, 0x01, 0x02]));
  symlinkSync(join(top, 'secret.txt'), join(root, 'link-to-secret'));
  symlinkSync(top, join(root, 'link-to-parent'));
  return { top, root };
}

function ctx(overrides: Partial<ToolContext> = {}): ToolContext {
  return {
    signal: new AbortController().signal, progress: () => undefined, requestId: 'r1', caller: { subject: 'test' }, meta: {},
    logger: { log: () => undefined, warn: () => undefined, error: () => undefined }, ...overrides,
  };
}

async function run(tool: ToolDefinition, args: Record<string, unknown>): Promise<ToolResult> {
  try {
    return await tool.handler(args, ctx());
  } catch (err) {
    if (err instanceof ToolError) return err.toResult();
    throw err;
  }
}

const text = (result: ToolResult) => String((result.content?.[0] as { text?: string } | undefined)?.text);

describe(PathJail.name, () => {
  describe('resolve', () => {
    const { root } = fixture();
    let jail: PathJail;

    beforeAll(async () => {
      jail = await PathJail.create(root);
    });

    it('resolves a path under the root', async () => {
      expect(await jail.resolve('logs/app.log')).toBe(join(jail.root, 'logs/app.log'));
    });

    it.each([
      ['a parent path', '../secret.txt', 'outside'],
      ['a sneaky parent path', 'logs/../../secret.txt', 'outside'],
      ['an absolute path', '/etc/passwd', 'absolute'],
      ['a symlink to a file outside', 'link-to-secret', 'symlink'],
      ['a path through a symlinked directory', 'link-to-parent/secret.txt', 'symlink'],
      ['a NUL byte', 'notes.md\0.txt', 'NUL'],
      ['a missing file', 'nope.txt', 'does not exist'],
    ])('refuses %s', async (_label, path, message) => {
      await expect(jail.resolve(path)).rejects.toThrow(message);
    });
  });
});

describe('file tools', () => {
  const { root } = fixture();
  let jail: PathJail;

  beforeAll(async () => {
    jail = await PathJail.create(root);
  });

  describe('file.read', () => {
    it('reads a text file with its size and truncation', async () => {
      const result = await run(fileReadTool(jail, 1024), { path: 'notes.md', offset: 11, length: 5 });
      expect(text(result)).toBe('error');
      expect(result.structuredContent).toEqual({ path: 'notes.md', size: 38, offset: 11, bytes: 5, truncated: true });
    });

    it('caps what one call returns', async () => {
      const result = await run(fileReadTool(jail, 1024), { path: 'notes.md', length: 1024 });
      expect(result.structuredContent).toMatchObject({ bytes: 38, truncated: false });
      const capped = await run(fileReadTool(jail, 1024), { path: 'notes.md' });
      expect(capped.structuredContent).toMatchObject({ bytes: 38 });
    });

    it('refuses binary files, directories and escapes as tool errors', async () => {
      expect(text(await run(fileReadTool(jail, 1024), { path: 'image.bin' }))).toContain('binary');
      expect(text(await run(fileReadTool(jail, 1024), { path: 'logs' }))).toContain('not a regular file');
      const escape = await run(fileReadTool(jail, 1024), { path: 'link-to-secret' });
      expect(escape.isError).toBe(true);
      expect(text(escape)).not.toContain('TOP SECRET');
    });
  });

  describe('file.search', () => {
    const limits = { maxResults: 100, maxFilesScanned: 1000, maxDepth: 10, maxContentBytes: 1024 };

    it('finds files by glob without following symlinks out of the root', async () => {
      const result = await run(fileSearchTool(jail, limits), { pattern: '**/*' });
      const paths = (result.structuredContent?.['matches'] as Array<{ path: string }>).map((m) => m.path).sort();
      expect(paths).toEqual(['image.bin', 'logs/app.log', 'logs/deep/old.log', 'notes.md']);
    });

    it('finds lines by regular expression, skipping binary files', async () => {
      const result = await run(fileSearchTool(jail, limits), { pattern: '**/*', contains: '^error' });
      expect(result.structuredContent?.['matches']).toEqual([
        { path: 'logs/app.log', line: 2, text: 'error: timeout' },
        { path: 'logs/deep/old.log', line: 1, text: 'error: ancient' },
        { path: 'notes.md', line: 2, text: 'error: disk full' },
      ]);
    });

    it('searches under a sub-directory and stops at maxResults with truncated', async () => {
      const sub = await run(fileSearchTool(jail, limits), { path: 'logs', pattern: '*.log' });
      expect((sub.structuredContent?.['matches'] as unknown[]).length).toBe(1);
      const capped = await run(fileSearchTool(jail, limits), { pattern: '**/*', maxResults: 1 });
      expect(capped.structuredContent).toMatchObject({ truncated: true });
    });

    it('refuses an invalid regular expression and a search path outside the root', async () => {
      expect(text(await run(fileSearchTool(jail, limits), { contains: '(' }))).toContain('not a valid regular expression');
      expect(text(await run(fileSearchTool(jail, limits), { path: '..' }))).toContain('outside');
      expect(text(await run(fileSearchTool(jail, limits), { path: 'link-to-parent' }))).toContain('symlink');
    });
  });
});

describe('system.info', () => {
  it('describes this machine and names the node', async () => {
    const result = await run(systemInfoTool('pi-1'), {});
    expect(result.structuredContent).toMatchObject({ nodeId: 'pi-1', platform: process.platform, arch: process.arch });
  });
});
