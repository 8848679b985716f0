import type AjvClass from 'ajv';
import { manifestLimits } from './manifest-limits';

const DRAFT_07 = 'http://json-schema.org/draft-07/schema';
// MCP's default dialect is 2020-12; draft-07 is accepted when a schema says so. Each instance (and Ajv itself)
// is loaded on first use: an edge node only ever checks the shape of its own tools' schemas (ADR 0023).
const options = { strict: false, allErrors: false, validateFormats: false } as const;
let ajv2020: AjvClass | undefined;
let ajv07: AjvClass | undefined;
function ajvFor(draft07: boolean): AjvClass {
  if (draft07) {
    const { default: Ajv } = require('ajv') as typeof import('ajv');
    return (ajv07 ??= new Ajv(options));
  }
  const { default: Ajv2020 } = require('ajv/dist/2020') as typeof import('ajv/dist/2020');
  return (ajv2020 ??= new Ajv2020(options));
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
  const dialect = typeof schema['$schema'] === 'string' ? (schema['$schema'] as string) : '';
  const ajv = ajvFor(dialect.startsWith(DRAFT_07));
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
