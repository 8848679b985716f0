import { ErrorCode, PimcpError } from '@pimcp/protocol';
import type { ToolContext, ToolDefinition, ToolResult } from '../tool-definition';
import { ToolError } from '../tool-error';
import { toolValidators } from '../validation/tool-validators';
import { validateToolArguments } from './validate-arguments';

/**
 * Runs one call of a tool the way every host must: validate the arguments, run the handler, turn a
 * ToolError into an `isError` result, and hold a successful result to the tool's outputSchema.
 * A broken result is the tool's bug, so it is INTERNAL (a protocol error), not a tool error.
 */
export async function runTool(tool: ToolDefinition, args: unknown, context: ToolContext): Promise<ToolResult> {
  const valid = validateToolArguments(tool, args);
  let result: unknown;
  try {
    result = await tool.handler(valid, context);
  } catch (err) {
    if (err instanceof ToolError) return err.toResult();
    throw err;
  }
  return checkToolResult(tool, result);
}

/** Normalises a handler's result to a CallToolResult and checks structuredContent against outputSchema. */
export function checkToolResult(tool: ToolDefinition, result: unknown): ToolResult {
  if (result === null || typeof result !== 'object' || Array.isArray(result)) {
    throw new PimcpError(ErrorCode.Internal, `${tool.name} returned ${describe(result)}, not a CallToolResult object`);
  }
  const r = result as ToolResult;
  if (r.content !== undefined && !Array.isArray(r.content)) {
    throw new PimcpError(ErrorCode.Internal, `${tool.name} returned "content" that is not an array of content blocks`);
  }
  const check = toolValidators(tool).structuredContent;
  if (check && r.isError !== true) {
    if (r.structuredContent === undefined) {
      throw new PimcpError(ErrorCode.Internal, `${tool.name} declares an outputSchema but returned no structuredContent`);
    }
    const problems = check(r.structuredContent);
    if (problems.length > 0) {
      const summary = problems.map((p) => `${p.path}: ${p.message}`).join('; ');
      throw new PimcpError(ErrorCode.Internal, `${tool.name} returned structuredContent that does not match its outputSchema: ${summary}`, problems);
    }
  }
  // MCP requires content; structured-only results also carry their JSON as text for older clients.
  if (r.content === undefined) {
    return { ...r, content: r.structuredContent === undefined ? [] : [{ type: 'text', text: JSON.stringify(r.structuredContent) }] };
  }
  return r;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'undefined' ? 'nothing' : `a ${typeof value}`;
}
