import { defineTool, textResult, ToolError, type ToolDefinition } from '@pimcp/plugin-sdk';
import { looksBinary, SNIFF_BYTES, withoutPartialCharacter } from './binary-detect';
import type { PathJail } from './path-jail';

/** Reads part or all of a text file under the node's file root. */
export function fileReadTool(jail: PathJail, maxBytes: number): ToolDefinition {
  return defineTool<{ path: string; offset?: number; length?: number }>({
    name: 'file.read',
    description: `Read a UTF-8 text file under the node's file root: at most ${maxBytes} bytes per call; ` +
      'for more, call again with offset = offset + bytes of the previous answer.',
    inputSchema: {
      type: 'object',
      properties: {
        path: { type: 'string', minLength: 1, maxLength: 4096, description: 'Path relative to the file root.' },
        offset: { type: 'integer', minimum: 0, default: 0, description: 'Byte offset to start at.' },
        length: { type: 'integer', minimum: 1, maximum: maxBytes, description: 'Most bytes to return.' },
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
      const handle = await jail.openFile(real, path);
      try {
        const { size } = await handle.stat();
        // A file is text or binary as a whole: judge by its start, wherever this read begins.
        const sniff = Buffer.alloc(Math.min(SNIFF_BYTES, size));
        await handle.read(sniff, 0, sniff.length, 0);
        if (looksBinary(sniff)) throw new ToolError(`"${path}" is a binary file; file.read returns text only`);
        const want = Math.min(length ?? maxBytes, maxBytes, Math.max(0, size - offset));
        const buffer = Buffer.alloc(want);
        const { bytesRead } = await handle.read(buffer, 0, want, offset);
        // Never cut a character in two: the next call starts where this one really ended.
        const data = offset + bytesRead < size ? withoutPartialCharacter(buffer.subarray(0, bytesRead)) : buffer.subarray(0, bytesRead);
        const meta = { path: jail.display(real), size, offset, bytes: data.length, truncated: offset + data.length < size };
        return textResult(data.toString('utf8'), meta);
      } finally {
        await handle.close();
      }
    },
  });
}
