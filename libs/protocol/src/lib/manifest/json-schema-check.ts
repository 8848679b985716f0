import type Ajv from 'ajv';
import { dialectOf, newAjv, type JsonSchemaDialect } from './json-schema-dialect';
import { manifestLimits } from './manifest-limits';

// One instance per dialect, made on first use: an edge node only ever checks the shape of its own tools' schemas
// (ADR 0023).
const instances = new Map<JsonSchemaDialect, Ajv>();
function ajvFor(dialect: JsonSchemaDialect): Ajv {
  let ajv = instances.get(dialect);
  if (!ajv) {
    ajv = newAjv(dialect, { strict: false, allErrors: false, validateFormats: false });
    instances.set(dialect, ajv);
  }
  return ajv;
}

/** Why `schema` cannot be an MCP tool schema judged by size and top-level type alone, or undefined. */
export function jsonSchemaShapeProblem(schema: Record<string, unknown>): string | undefined {
  const bytes = Buffer.byteLength(JSON.stringify(schema), 'utf8');
  if (bytes > manifestLimits.schemaMaxBytes) {
    return `is ${bytes} bytes; the limit is ${manifestLimits.schemaMaxBytes} bytes`;
  }
  if (schema['type'] !== 'object') {
    return 'must have "type": "object" (MCP tool schemas describe an object)';
  }
  return undefined;
}

/** Returns why `schema` is not a usable MCP tool schema, or undefined when it is. */
export function jsonSchemaProblem(schema: Record<string, unknown>): string | undefined {
  const shape = jsonSchemaShapeProblem(schema);
  if (shape) return shape;
  const ajv = ajvFor(dialectOf(schema));
  try {
    if (!ajv.validateSchema(schema)) {
      return `is not valid JSON Schema: ${ajv.errorsText(ajv.errors, { dataVar: 'schema' })}`;
    }
    ajv.compile(schema); // catches unresolvable $ref and similar
    return undefined;
  } catch (err) {
    return `is not valid JSON Schema: ${(err as Error).message}`;
  } finally {
    ajv.removeSchema(); // compiled schemas are not reused; keep the cache from growing
  }
}
