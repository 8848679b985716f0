import type { ToolResult } from './tool-definition';

/**
 * A tool-level failure the model should read (bad path, refused command): an MCP result with isError,
 * as opposed to a protocol error. Handlers may return it or throw a ToolError.
 */
export class ToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolError';
  }

  toResult(): ToolResult {
    return toolErrorResult(this.message);
  }
}

export function toolErrorResult(message: string): ToolResult {
  return { isError: true, content: [{ type: 'text', text: message }] };
}

export function textResult(text: string, structuredContent?: Record<string, unknown>): ToolResult {
  return { content: [{ type: 'text', text }], ...(structuredContent ? { structuredContent } : {}) };
}
