import { open, stat } from 'node:fs/promises';
import { defineTool, textResult, ToolError, type ToolDefinition } from '@pimcp/plugin-sdk';
import { looksBinary } from './binary-detect';
import type { PathJail } from './path-jail';

/** Reads part or all of a text file under the node's file root. */
export function fileReadTool(jail: PathJail, maxBytes: number): ToolDefinition {
  return defineTool<{ path: string; offset?: number; length?: number }>({
    name: 'file.read',
    description: `Read a text file under the node's file root (at most ${maxBytes} bytes per call; use offset and length for more).`,
    inputSchema: {
      type: 'object',
      properties: {
        path: { type: 'string', minLength: 1, maxLength: 4096, description: 'Path relative to the file root.' },
        offset: { type: 'integer', minimum: 0, default: 0 },
        length: { type: 'integer', minimum: 1, maximum: maxBytes },
      },
      required: ['path'],
      additionalProperties: false,
    },
    outputSchema: {
      type: 'object',
      properties: { path: { type: 'string' }, size: { type: 'integer' }, offset: { type: 'integer' }, bytes: { type: 'integer' }, truncated: { type: 'boolean' } },
      required: ['path', 'size', 'offset', 'bytes', 'truncated'],
    },
    annotations: { title: 'Read file', readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    version: '1.0.0',
    costClass: 'light',
    handler: async ({ path, offset = 0, length }) => {
      const real = await jail.resolve(path);
      const info = await stat(real);
      if (!info.isFile()) throw new ToolError(`"${path}" is not a regular file`);
      const want = Math.min(length ?? maxBytes, maxBytes, Math.max(0, info.size - offset));
      const handle = await open(real, 'r');
      try {
        const buffer = Buffer.alloc(want);
        const { bytesRead } = await handle.read(buffer, 0, want, offset);
        const data = buffer.subarray(0, bytesRead);
        if (looksBinary(data)) throw new ToolError(`"${path}" is a binary file; file.read returns text only`);
        const meta = { path: jail.display(real), size: info.size, offset, bytes: bytesRead, truncated: offset + bytesRead < info.size };
        return textResult(data.toString('utf8'), meta);
      } finally {
        await handle.close();
      }
    },
  });
}
