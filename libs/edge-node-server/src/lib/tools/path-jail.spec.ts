import { renameSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ToolError } from '@pimcp/plugin-sdk';
import { jailFixture } from '../../test-support/jail-fixture';
import { PathJail } from './path-jail';

describe(PathJail.name, () => {
  const { top, root, hasFifo } = jailFixture();
  let jail: PathJail;

  beforeAll(async () => {
    jail = await PathJail.create(root);
  });

  describe('create', () => {
    it('refuses a root that is missing or not a directory', async () => {
      await expect(PathJail.create(join(top, 'nope'))).rejects.toThrow(/ENOENT/);
      await expect(PathJail.create(join(top, 'secret.txt'))).rejects.toThrow(/is not a directory/);
    });
  });

  describe('resolve', () => {
    it('resolves paths under the root, including ".." that stays inside and links that stay inside', async () => {
      expect(await jail.resolve('logs/app.log')).toBe(join(jail.root, 'logs/app.log'));
      expect(await jail.resolve('logs/../notes.md')).toBe(join(jail.root, 'notes.md'));
      expect(await jail.resolve('link-inside')).toBe(join(jail.root, 'notes.md'));
      expect(await jail.resolve('.')).toBe(jail.root);
    });

    it.each([
      ['a parent path', '../secret.txt', 'is outside the node\'s file root'],
      ['a parent path hidden in the middle', 'logs/../../secret.txt', 'is outside the node\'s file root'],
      ['the parent itself', '..', 'is outside the node\'s file root'],
      ['an absolute path', '/etc/passwd', 'is absolute'],
      ['an absolute path into the root', join('/', 'tmp'), 'is absolute'],
      ['a symlink to a file outside', 'link-to-secret', 'resolves (through a symlink) outside'],
      ['a symlink to a directory outside', 'link-to-top', 'resolves (through a symlink) outside'],
      ['a file under a symlinked parent directory', 'linked-dir/secret.log', 'resolves (through a symlink) outside'],
      ['a way back out through a symlinked parent', 'link-to-top/root/../secret.txt', 'resolves (through a symlink) outside'],
      ['a symlink loop', 'loop', 'cannot be opened (ELOOP)'],
      ['a NUL byte', 'notes.md\0.txt', 'NUL byte'],
      ['a missing file', 'nope.txt', 'does not exist'],
    ])('refuses %s with a ToolError', async (_label, path, message) => {
      const err = await jail.resolve(path).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(ToolError);
      expect((err as Error).message).toContain(message);
      expect((err as Error).message).not.toContain('TOP SECRET');
    });
  });

  describe('openFile', () => {
    it('opens a regular file inside the root', async () => {
      const handle = await jail.openFile(await jail.resolve('notes.md'));
      expect((await handle.readFile('utf8')).startsWith('first line')).toBe(true);
      await handle.close();
    });

    it('refuses directories and, where mkfifo exists, FIFOs without blocking', async () => {
      await expect(jail.openFile(await jail.resolve('logs'))).rejects.toThrow('is not a regular file');
      if (hasFifo) await expect(jail.openFile(await jail.resolve('pipe'))).rejects.toThrow('is not a regular file');
    });

    it('refuses a file swapped for a symlink after it was resolved', async () => {
      const real = await jail.resolve('logs/deep/old.log');
      renameSync(real, `${real}.moved`);
      symlinkSync(join(top, 'secret.txt'), real);
      const err = await jail.openFile(real).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(ToolError);
      expect((err as Error).message).toMatch(/not a regular file|became a symlink/);
    });
  });
});
