import { existsSync, lstatSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode } from '@pimcp/protocol';
import { runTool, type ToolResult } from '@pimcp/plugin-sdk';
import { jailFixture } from '../../test-support/jail-fixture';
import { toolContext } from '../../test-support/tool-context';
import { fileWriteTool } from './file-write.tool';
import { PathJail } from './path-jail';

const text = (result: ToolResult) => String((result.content?.[0] as { text?: string } | undefined)?.text);

/** Tool errors come back as results with isError, as MCP wants, so the model can read them. */
async function refused(result: Promise<ToolResult>, message: string | RegExp): Promise<void> {
  const settled = await result;
  expect(settled.isError).toBe(true);
  expect(text(settled)).toMatch(message);
}

describe('file.write', () => {
  const { top, root } = jailFixture();
  let write: (args: Record<string, unknown>) => Promise<ToolResult>;

  beforeAll(async () => {
    const tool = fileWriteTool(await PathJail.create(root), 1024);
    write = (args) => runTool(tool, args, toolContext());
  });

  it('writes a new file in an existing directory and reports what it wrote', async () => {
    const result = await write({ path: 'logs/new.txt', content: 'hello ✓' });
    expect(readFileSync(join(root, 'logs/new.txt'), 'utf8')).toBe('hello ✓');
    expect(result.structuredContent).toEqual({ path: 'logs/new.txt', bytes: 9, replaced: false });
  });

  it('decodes base64 content byte for byte', async () => {
    await write({ path: 'blob.bin', content: Buffer.from([0, 1, 254, 255]).toString('base64'), encoding: 'base64' });
    expect([...readFileSync(join(root, 'blob.bin'))]).toEqual([0, 1, 254, 255]);
  });

  it('keeps an existing file unless overwrite is set, then replaces it whole', async () => {
    await refused(write({ path: 'notes.md', content: 'x' }), 'set overwrite');
    expect(readFileSync(join(root, 'notes.md'), 'utf8')).toContain('first line');
    const result = await write({ path: 'notes.md', content: 'replaced', overwrite: true });
    expect(readFileSync(join(root, 'notes.md'), 'utf8')).toBe('replaced');
    expect(result.structuredContent).toMatchObject({ replaced: true });
  });

  it('leaves no temporary file behind', async () => {
    await write({ path: 'logs/deep/tidy.txt', content: 'a' });
    expect(readdirSync(join(root, 'logs/deep')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it.each([
    ['a path out of the root', '../escaped.txt'],
    ['an absolute path', join(top, 'escaped.txt')],
    ['a directory symlinked out of the root', 'linked-dir/escaped.txt'],
    ['a symlink to a directory above the root', 'link-to-top/escaped.txt'],
  ])('refuses %s and writes nothing outside', async (_label, path) => {
    await refused(write({ path, content: 'pwned' }), /outside|absolute|symlink/);
    expect(existsSync(join(top, 'escaped.txt'))).toBe(false);
    expect(existsSync(join(top, 'outside/escaped.txt'))).toBe(false);
  });

  it('never writes through a symlink, even with overwrite', async () => {
    await refused(write({ path: 'link-to-secret', content: 'pwned', overwrite: true }), 'symlink');
    expect(readFileSync(join(top, 'secret.txt'), 'utf8')).toBe('TOP SECRET\n');
    expect(lstatSync(join(root, 'link-to-secret')).isSymbolicLink()).toBe(true);
  });

  it('refuses paths that do not name a file', async () => {
    await refused(write({ path: 'logs/..', content: 'x' }), 'does not name a file');
    await refused(write({ path: 'logs/', content: 'x' }), 'does not name a file');
    await refused(write({ path: 'logs', content: 'x', overwrite: true }), 'not a regular file');
  });

  it('refuses a missing parent directory instead of creating it', async () => {
    await refused(write({ path: 'nowhere/new.txt', content: 'x' }), /ENOENT|no such|does not exist/i);
    expect(existsSync(join(root, 'nowhere'))).toBe(false);
  });

  it('refuses content over the size limit and arguments outside its schema', async () => {
    await refused(write({ path: 'big.txt', content: 'é'.repeat(600) }), 'more than file.write accepts');
    expect(existsSync(join(root, 'big.txt'))).toBe(false);
    await expect(write({ path: 'x.txt' })).rejects.toMatchObject({ code: ErrorCode.InvalidArguments });
    await expect(write({ path: 'x.txt', content: 'x', mode: 777 })).rejects.toMatchObject({ code: ErrorCode.InvalidArguments });
  });

  it('is idempotent with overwrite: writing the same bytes twice leaves the same file', async () => {
    writeFileSync(join(root, 'same.txt'), 'old');
    await write({ path: 'same.txt', content: 'v1', overwrite: true });
    await write({ path: 'same.txt', content: 'v1', overwrite: true });
    expect(readFileSync(join(root, 'same.txt'), 'utf8')).toBe('v1');
  });
});
