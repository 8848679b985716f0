import { validateNodeManifest } from '@pimcp/protocol';
import { toCapabilityDefinition } from './to-capability-definition';
import type { ToolDefinition, ToolSpec } from './tool-definition';
import { toolValidators } from './validation/tool-validators';

/**
 * Declares a tool. The definition is checked with the same rules the registry applies at join
 * (name, description, schemas, version) and its schemas are compiled, so a mistake fails when the
 * plugin loads (INVALID_MANIFEST naming the field), not when a node joins or a call arrives.
 */
export function defineTool<Args extends Record<string, unknown>>(spec: ToolSpec<Args>): ToolDefinition {
  const tool = spec as unknown as ToolDefinition;
  if (typeof tool.handler !== 'function') throw new TypeError(`tool "${String(spec.name)}" needs a handler function`);
  validateNodeManifest({ nodeId: 'plugin-check', labels: {}, linkAddress: 'tcp://127.0.0.1:1', capabilities: [toCapabilityDefinition(tool)] });
  toolValidators(tool);
  return tool;
}
