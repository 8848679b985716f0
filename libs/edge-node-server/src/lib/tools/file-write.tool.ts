import { randomUUID } from 'node:crypto';
import { lstat, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { defineTool, ToolError, type ToolDefinition } from '@pimcp/plugin-sdk';
import type { PathJail } from './path-jail';

/**
 * Writes a file under the node's file root: off unless PIMCP_NODE_FILE_WRITE is set. The parent directory must
 * already exist inside the root (symlinks resolved); the file is written to a temporary name beside it, fsync'd
 * and renamed, so a reader never sees half a file; an existing file is replaced only with `overwrite: true`, and a
 * symlink is never written through.
 */
export function fileWriteTool(jail: PathJail, maxBytes: number): ToolDefinition {
  return defineTool<{ path: string; content: string; encoding?: 'utf8' | 'base64'; overwrite?: boolean }>({
    name: 'file.write',
    description: `Write a file under the node's file root (at most ${maxBytes} bytes); the parent directory must exist. `
      + 'Set overwrite to replace an existing file.',
    inputSchema: {
      type: 'object',
      properties: {
        path: { type: 'string', minLength: 1, maxLength: 4096, description: 'Path relative to the file root.' },
        content: { type: 'string', maxLength: Math.ceil((maxBytes * 4) / 3) + 4 },
        encoding: { enum: ['utf8', 'base64'], default: 'utf8' },
        overwrite: { type: 'boolean', default: false },
      },
      required: ['path', 'content'],
      additionalProperties: false,
    },
    annotations: { title: 'Write file', readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    version: '1.0.0',
    costClass: 'light',
    handler: async ({ path, content, encoding = 'utf8', overwrite = false }) => {
      const name = basename(path);
      if (path.endsWith('/') || name === '.' || name === '..') throw new ToolError(`"${path}" does not name a file; give a path such as "dir/name.txt"`);
      const data = Buffer.from(content, encoding);
      if (data.length > maxBytes) throw new ToolError(`${data.length} bytes is more than file.write accepts (${maxBytes}); write a smaller file`);
      const parent = await jail.resolve(dirname(path) === '.' ? '.' : dirname(path));
      if (!(await lstat(parent)).isDirectory()) throw new ToolError(`the parent of "${path}" is not a directory`);
      const target = join(parent, name);
      const existing = await lstat(target).catch(() => undefined);
      if (existing?.isSymbolicLink()) throw new ToolError(`"${path}" is a symlink; file.write does not write through links`);
      if (existing && !existing.isFile()) throw new ToolError(`"${path}" exists and is not a regular file`);
      if (existing && !overwrite) throw new ToolError(`"${path}" exists; set overwrite to replace it`);
      const temp = join(parent, `.${name}.${randomUUID()}.tmp`);
      const handle = await open(temp, 'wx', 0o644);
      try {
        await handle.writeFile(data);
        await handle.sync();
      } finally {
        await handle.close();
      }
      try {
        await rename(temp, target);
      } catch (error) {
        await unlink(temp).catch(() => undefined);
        throw error;
      }
      const meta = { path: jail.display(target), bytes: data.length, replaced: existing !== undefined };
      return { content: [{ type: 'text', text: `wrote ${meta.bytes} bytes to ${meta.path}` }], structuredContent: meta };
    },
  });
}
