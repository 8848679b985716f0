import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import { manifestLimits } from './manifest-limits';

const DRAFT_07 = 'http://json-schema.org/draft-07/schema';
// MCP's default dialect is 2020-12; draft-07 is accepted when a schema says so.
const ajv2020 = new Ajv2020({ strict: false, allErrors: false, validateFormats: false });
const ajv07 = new Ajv({ strict: false, allErrors: false, validateFormats: false });

/** Returns why `schema` is not a usable MCP tool schema, or undefined when it is. */
export function jsonSchemaProblem(schema: Record<string, unknown>): string | undefined {
  const bytes = Buffer.byteLength(JSON.stringify(schema), 'utf8');
  if (bytes > manifestLimits.schemaMaxBytes) {
    return `is ${bytes} bytes; the limit is ${manifestLimits.schemaMaxBytes} bytes`;
  }
  if (schema['type'] !== 'object') {
    return 'must have "type": "object" (MCP tool schemas describe an object)';
  }
  const dialect = typeof schema['$schema'] === 'string' ? (schema['$schema'] as string) : '';
  const ajv = dialect.startsWith(DRAFT_07) ? ajv07 : ajv2020;
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
