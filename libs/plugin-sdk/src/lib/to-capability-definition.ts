import type { CapabilityDefinition } from '@pimcp/protocol';
import type { ToolDefinition } from './tool-definition';

/** The manifest entry for a tool: its definition without the handler. */
export function toCapabilityDefinition(tool: ToolDefinition): CapabilityDefinition {
  const { name, description, inputSchema, outputSchema, annotations, version, costClass, offloadable } = tool;
  return {
    name, description, inputSchema, version, costClass,
    ...(outputSchema ? { outputSchema } : {}),
    ...(annotations ? { annotations } : {}),
    ...(offloadable !== undefined ? { offloadable } : {}),
  };
}
