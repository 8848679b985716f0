import { validateNodeManifest } from '@pimcp/protocol';
import { toJsonSchema, type SchemaInput } from './schema/to-json-schema';
import { toCapabilityDefinition } from './to-capability-definition';
import type { ToolDefinition, ToolSpec } from './tool-definition';
import { toolValidators } from './validation/tool-validators';

/**
 * Declares a tool. The definition is checked with the same rules the registry applies at join
 * (name, description, schemas, version) and its schemas are compiled, so a mistake fails when the
 * plugin loads (INVALID_MANIFEST naming the field), not when a node joins or a call arrives.
 */
export function defineTool<Args extends Record<string, unknown>>(
  spec: Omit<ToolSpec<Args>, 'inputSchema' | 'outputSchema'> & { inputSchema: SchemaInput; outputSchema?: SchemaInput },
): ToolDefinition {
  // zod schemas become JSON Schema here, once: the manifest, the gateway and the node all check JSON Schema.
  const tool = {
    ...spec,
    inputSchema: toJsonSchema(spec.inputSchema),
    ...(spec.outputSchema !== undefined ? { outputSchema: toJsonSchema(spec.outputSchema) } : {}),
  } as unknown as ToolDefinition;
  if (typeof tool.handler !== 'function') throw new TypeError(`tool "${String(spec.name)}" needs a handler function`);
  validateNodeManifest({ nodeId: 'plugin-check', labels: {}, linkAddress: 'tcp://127.0.0.1:1', capabilities: [toCapabilityDefinition(tool)] });
  toolValidators(tool);
  return tool;
}
