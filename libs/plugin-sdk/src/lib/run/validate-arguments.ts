import { ErrorCode, PimcpError } from '@pimcp/protocol';
import type { ToolDefinition } from '../tool-definition';
import { toolValidators } from '../validation/tool-validators';

/**
 * Checks arguments against the tool's inputSchema and returns a copy with schema defaults filled in.
 * Throws INVALID_ARGUMENTS naming every bad field (`arguments.path: must be string`).
 */
export function validateToolArguments(tool: ToolDefinition, args: unknown): Record<string, unknown> {
  const copy: unknown = args === undefined ? {} : structuredClone(args);
  const problems = toolValidators(tool).arguments(copy);
  if (problems.length > 0) {
    const summary = problems.map((p) => `${p.path}: ${p.message}`).join('; ');
    throw new PimcpError(ErrorCode.InvalidArguments, `invalid arguments for ${tool.name}: ${summary}`, problems);
  }
  return copy as Record<string, unknown>;
}
