import { constants } from 'node:fs';
import { type FileHandle, lstat, open, realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { ToolError } from '@pimcp/plugin-sdk';

// O_NOFOLLOW refuses a symlink swapped in as the last component; O_NONBLOCK keeps a FIFO from blocking open().
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/**
 * Confines file tools to one root. Paths are relative to the root; the real path (symlinks resolved)
 * must stay inside the real root, so `..`, absolute paths and symlinks that point out (the entry itself
 * or any parent directory) are all refused with a ToolError the model can read.
 */
export class PathJail {
  private constructor(readonly root: string) {}

  /** Throws when `root` is not an existing directory. */
  static async create(root: string): Promise<PathJail> {
    const real = await realpath(root);
    if (!(await stat(real)).isDirectory()) throw new Error(`${root} is not a directory`);
    return new PathJail(real);
  }

  /** The real absolute path of an existing entry under the root. */
  async resolve(path: string): Promise<string> {
    if (path.includes('\0')) throw new ToolError('path contains a NUL byte');
    if (isAbsolute(path)) throw new ToolError(`"${path}" is absolute; give a path relative to the node's file root`);
    const lexical = resolve(this.root, path);
    if (!this.contains(lexical)) throw new ToolError(`"${path}" is outside the node's file root`);
    let real: string;
    try {
      real = await realpath(lexical);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new ToolError(code === 'ENOENT' ? `"${path}" does not exist under the file root` : `"${path}" cannot be opened (${code})`);
    }
    if (!this.contains(real)) throw new ToolError(`"${path}" resolves (through a symlink) outside the node's file root`);
    return real;
  }

  /**
   * Opens a regular file for reading that resolve() returned, and checks that what was opened is still
   * the file inside the root: a path swapped for a symlink in between is refused, not followed.
   */
  async openFile(real: string, shown = this.display(real)): Promise<FileHandle> {
    const before = await lstat(real).catch(() => undefined);
    if (!before?.isFile()) throw new ToolError(`"${shown}" is not a regular file`);
    let handle: FileHandle;
    try {
      handle = await open(real, OPEN_FLAGS);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new ToolError(code === 'ELOOP' ? `"${shown}" became a symlink; refusing to follow it` : `"${shown}" cannot be opened (${code})`);
    }
    try {
      const opened = await handle.stat();
      const now = await realpath(real);
      if (!opened.isFile() || !this.contains(now) || opened.ino !== before.ino || opened.dev !== before.dev) {
        throw new ToolError(`"${shown}" changed while it was being opened; try again`);
      }
      return handle;
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  /** The real path of a directory to walk into, or undefined when it now leads outside the root. */
  async realDirectory(path: string): Promise<string | undefined> {
    const real = await realpath(path).catch(() => undefined);
    return real !== undefined && this.contains(real) ? real : undefined;
  }

  /** The path shown to callers: relative to the root, with forward slashes. */
  display(absolute: string): string {
    return relative(this.root, absolute).split(sep).join('/') || '.';
  }

  contains(absolute: string): boolean {
    return absolute === this.root || absolute.startsWith(this.root.endsWith(sep) ? this.root : this.root + sep);
  }
}
