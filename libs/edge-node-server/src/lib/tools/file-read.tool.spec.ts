import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode } from '@pimcp/protocol';
import { runTool, type ToolResult } from '@pimcp/plugin-sdk';
import { jailFixture } from '../../test-support/jail-fixture';
import { toolContext } from '../../test-support/tool-context';
import { fileReadTool } from './file-read.tool';
import { PathJail } from './path-jail';

const text = (result: ToolResult) => String((result.content?.[0] as { text?: string } | undefined)?.text);

describe('file.read', () => {
  const { root, hasFifo } = jailFixture();
  let read: (args: Record<string, unknown>) => Promise<ToolResult>;

  beforeAll(async () => {
    const tool = fileReadTool(await PathJail.create(root), 1024);
    read = (args) => runTool(tool, args, toolContext());
  });

  it('reads a slice of a text file and says what is left', async () => {
    const result = await read({ path: 'notes.md', offset: 11, length: 5 });
    expect(text(result)).toBe('error');
    expect(result.structuredContent).toEqual({ path: 'notes.md', size: 38, offset: 11, bytes: 5, truncated: true });
  });

  it('reads a whole file, and caps what one call returns', async () => {
    expect((await read({ path: 'notes.md' })).structuredContent).toMatchObject({ bytes: 38, truncated: false });
    writeFileSync(join(root, 'big.txt'), 'x'.repeat(3000));
    expect((await read({ path: 'big.txt' })).structuredContent).toMatchObject({ size: 3000, bytes: 1024, truncated: true });
  });

  it('never cuts a UTF-8 character in two, so offset + bytes is where to continue', async () => {
    const first = await read({ path: 'utf8.txt', length: 3 });
    expect(text(first)).toBe('a');
    expect(first.structuredContent).toMatchObject({ bytes: 1, truncated: true });
    const second = await read({ path: 'utf8.txt', offset: 1, length: 6 });
    expect(text(second)).toBe('✓b');
  });

  it('answers past the end with no bytes', async () => {
    expect((await read({ path: 'notes.md', offset: 500 })).structuredContent).toMatchObject({ bytes: 0, truncated: false });
  });

  it('refuses arguments outside its schema before touching the disk', async () => {
    await expect(read({ path: 'notes.md', length: 5000 })).rejects.toMatchObject({ code: ErrorCode.InvalidArguments });
    await expect(read({})).rejects.toMatchObject({ code: ErrorCode.InvalidArguments, message: expect.stringContaining('arguments.path: is required') });
  });

  it.each([
    ['a parent path', '../secret.txt', 'outside'],
    ['an absolute path', '/etc/passwd', 'absolute'],
    ['a symlink out', 'link-to-secret', 'through a symlink'],
    ['a file under a symlinked directory', 'linked-dir/secret.log', 'through a symlink'],
    ['a directory', 'logs', 'not a regular file'],
    ['a binary file', 'image.bin', 'binary'],
    ['a symlink loop', 'loop', 'ELOOP'],
  ])('refuses %s as a tool error, leaking nothing', async (_label, path, message) => {
    const result = await read({ path });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain(message);
    expect(text(result)).not.toContain('TOP SECRET');
  });

  it('refuses a FIFO without blocking', async () => {
    if (!hasFifo) return;
    expect(text(await read({ path: 'pipe' }))).toContain('not a regular file');
  });
});
