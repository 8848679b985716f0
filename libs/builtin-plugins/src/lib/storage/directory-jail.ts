import { constants } from 'node:fs';
import { type FileHandle, lstat, mkdir, open, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { ToolError } from '@pimcp/plugin-sdk';

// O_NOFOLLOW refuses a symlink swapped in as the last component; O_NONBLOCK keeps a FIFO from blocking open().
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/**
 * Keeps a directory store's file operations inside its root. Keys are already lexically safe (no "..",
 * no leading "/"); this checks what the file system makes of them: every symlink on the way is resolved
 * and must land inside the real root, or the operation is refused.
 */
export class DirectoryJail {
  /** `root` is a real path (resolved at config load). */
  constructor(readonly root: string, private readonly storeName: string) {}

  /** Opens the object named by `key` for reading, or returns undefined when there is none. */
  async openObject(key: string): Promise<{ handle: FileHandle; size: number; mtime: Date } | undefined> {
    let real: string;
    try {
      real = await realpath(join(this.root, key));
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw this.failure(key, err);
    }
    this.mustContain(key, real);
    const before = await lstat(real);
    if (before.isDirectory()) throw new ToolError(`"${key}" is a folder in store "${this.storeName}", not an object; list it with prefix "${key}/"`);
    if (!before.isFile()) throw new ToolError(`"${key}" in store "${this.storeName}" is not a regular file`);
    let handle: FileHandle;
    try {
      handle = await open(real, READ_FLAGS);
    } catch (err) {
      throw this.failure(key, err);
    }
    try {
      const opened = await handle.stat();
      this.mustContain(key, await realpath(real));
      if (!opened.isFile() || opened.ino !== before.ino || opened.dev !== before.dev) {
        throw new ToolError(`"${key}" in store "${this.storeName}" changed while it was being opened; try again`);
      }
      return { handle, size: opened.size, mtime: opened.mtime };
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  /**
   * The real path of the folder that holds `key`, walking its segments one by one so that no folder is
   * ever created through a symlink that leads out. With `create` missing folders are made; without it a
   * missing folder means undefined.
   */
  async folderOf(key: string, create: boolean): Promise<string | undefined> {
    const segments = key.split('/').slice(0, -1);
    let current = this.root;
    for (const [i, segment] of segments.entries()) {
      const next = join(current, segment);
      const shown = segments.slice(0, i + 1).join('/');
      const info = await lstat(next).catch((err: unknown) => (isMissing(err) ? undefined : Promise.reject(this.failure(shown, err))));
      if (info === undefined) {
        if (!create) return undefined;
        await mkdir(next).catch((err: NodeJS.ErrnoException) => (err.code === 'EEXIST' ? undefined : Promise.reject(this.failure(shown, err))));
        const made = await lstat(next);
        if (!made.isDirectory()) throw new ToolError(`"${shown}" in store "${this.storeName}" changed while it was being created; try again`);
        current = next;
      } else if (info.isSymbolicLink()) {
        const real = await realpath(next).catch((err: unknown) => Promise.reject(this.failure(shown, err)));
        this.mustContain(shown, real);
        if (!(await stat(real)).isDirectory()) throw this.notAFolder(shown, key);
        current = real;
      } else if (info.isDirectory()) {
        current = next;
      } else {
        throw this.notAFolder(shown, key);
      }
    }
    return current;
  }

  contains(absolute: string): boolean {
    return absolute === this.root || absolute.startsWith(this.root.endsWith(sep) ? this.root : this.root + sep);
  }

  private mustContain(key: string, real: string): void {
    if (!this.contains(real)) {
      throw new ToolError(`"${key}" leads through a symlink outside the root of store "${this.storeName}"; refused. Keys may only reach files inside the store.`);
    }
  }

  private notAFolder(segment: string, key: string): ToolError {
    return new ToolError(`"${segment}" is an object in store "${this.storeName}", so "${key}" cannot be below it`);
  }

  private failure(key: string, err: unknown): ToolError {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return new ToolError(`"${key}" in store "${this.storeName}" became a symlink (or loops); refusing to follow it`);
    if (code === 'ENOTDIR') return new ToolError(`a segment of "${key}" is an object in store "${this.storeName}", not a folder`);
    return new ToolError(`"${key}" in store "${this.storeName}" cannot be used (${code ?? (err as Error).message})`);
  }
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
