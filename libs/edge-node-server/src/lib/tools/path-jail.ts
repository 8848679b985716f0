import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { ToolError } from '@pimcp/plugin-sdk';

/**
 * Confines file tools to one root. Paths are relative to the root; the real path (symlinks resolved)
 * must stay inside the real root, so `..`, absolute paths and symlinks that point out are all refused.
 */
export class PathJail {
  private constructor(readonly root: string) {}

  static async create(root: string): Promise<PathJail> {
    return new PathJail(await realpath(root));
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

  /** The path shown to callers: relative to the root, with forward slashes. */
  display(absolute: string): string {
    return relative(this.root, absolute).split(sep).join('/') || '.';
  }

  contains(absolute: string): boolean {
    return absolute === this.root || absolute.startsWith(this.root + sep);
  }
}
