import type { ToolResult } from './tool-definition';

const TOOL_ERROR_BRAND = Symbol.for('io.pimcp/ToolError');

/**
 * A tool-level failure the model should read (bad path, refused command): an MCP result with isError,
 * as opposed to a protocol error. Handlers may return it or throw a ToolError.
 */
export class ToolError extends Error {
  /**
   * A plugin package bundles its own copy of this SDK, so `instanceof` must recognise a ToolError from any copy:
   * each carries a registry-wide symbol (Symbol.for) that every copy checks for.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[TOOL_ERROR_BRAND] === true;
  }

  constructor(message: string) {
    super(message);
    this.name = 'ToolError';
    Object.defineProperty(this, TOOL_ERROR_BRAND, { value: true });
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
