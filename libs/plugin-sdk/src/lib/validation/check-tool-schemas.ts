import { ErrorCode, PimcpError } from '@pimcp/protocol';
import { toCapabilityDefinition } from '../to-capability-definition';
import type { ToolDefinition } from '../tool-definition';
import { checkAgainstManifest } from './check-against-manifest';

/**
 * Checks each tool's schemas against their JSON Schema dialect, as the registry does at join, and throws
 * INVALID_MANIFEST naming the first tool and field it refuses. `defineTool` checks only size and type (ADR 0023);
 * a node runs this on plugins it did not ship, so one bad schema stops a boot or a reload instead of every join.
 */
export function checkToolSchemas(tools: readonly ToolDefinition[]): void {
  for (const tool of tools) {
    try {
      checkAgainstManifest({ capabilities: [toCapabilityDefinition(tool)] }, { schemas: 'full' });
    } catch (error) {
      if (!(error instanceof PimcpError)) throw error;
      const summary = error.problems.map((p) => p.message).join('; ') || error.message;
      throw new PimcpError(ErrorCode.InvalidManifest, `tool "${tool.name}": ${summary}`, error.problems);
    }
  }
}
