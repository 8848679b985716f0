import type { ManifestCheckOptions } from '@pimcp/protocol';
import { toJsonSchema, type SchemaInput } from './schema/to-json-schema';
import { toCapabilityDefinition } from './to-capability-definition';
import type { ToolDefinition, ToolSpec } from './tool-definition';
import { checkAgainstManifest } from './validation/check-against-manifest';

/**
 * Declares a tool. The definition is checked with the rules the registry applies at join (name, description,
 * version, annotations, schema size and top-level type), so a mistake fails when the plugin loads
 * (INVALID_MANIFEST naming the field). The schemas themselves are validated against their JSON Schema dialect
 * by the registry when the node joins, and compiled here on the tool's first call (ADR 0023); pass
 * `{ schemas: 'full' }` to check them now, as a node must for schemas it did not write (bridged servers).
 */
export function defineTool<Args extends Record<string, unknown>>(
  spec: Omit<ToolSpec<Args>, 'inputSchema' | 'outputSchema'> & { inputSchema: SchemaInput; outputSchema?: SchemaInput },
  options: ManifestCheckOptions = { schemas: 'shape' },
): ToolDefinition {
  // zod schemas become JSON Schema here, once: the manifest, the gateway and the node all check JSON Schema.
  const tool = {
    ...spec,
    inputSchema: toJsonSchema(spec.inputSchema),
    ...(spec.outputSchema !== undefined ? { outputSchema: toJsonSchema(spec.outputSchema) } : {}),
  } as unknown as ToolDefinition;
  if (typeof tool.handler !== 'function') throw new TypeError(`tool "${String(spec.name)}" needs a handler function`);
  checkAgainstManifest({ capabilities: [toCapabilityDefinition(tool)] }, options);
  return tool;
}
