import { validateNodeManifest } from '@pimcp/protocol';
import { toCapabilityDefinition } from './to-capability-definition';
import type { ToolDefinition, ToolSpec } from './tool-definition';

/**
 * Declares a tool. The definition is checked with the same rules the registry applies at join
 * (name, description, schemas, version), so a mistake fails when the plugin loads, not when a node joins.
 */
export function defineTool<Args extends Record<string, unknown>>(spec: ToolSpec<Args>): ToolDefinition {
  const tool = spec as unknown as ToolDefinition;
  validateNodeManifest({ nodeId: 'plugin-check', labels: {}, linkAddress: 'tcp://127.0.0.1:1', capabilities: [toCapabilityDefinition(tool)] });
  return tool;
}
