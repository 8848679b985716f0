/** Compiled JSON Schema checks for tool arguments and structured results, with problems named by field. */
import type { default as Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { dialectOf, newAjv, type FieldProblem, type JsonSchemaDialect } from '@pimcp/protocol';


// Formats are not checked (as the registry and gateway do not), so all three agree on what is valid.
const options = { strict: false, allErrors: true, validateFormats: false } as const;
// Arguments get `default` values filled in (on a copy), so handlers see what the schema promises;
// results are only checked, never changed.
// Each instance is made on first use: an Ajv instance holds its compiled meta-schema, and most nodes only ever need
// the draft 2020-12 ones (ADR 0018). Ajv itself loads with the first tool call (ADR 0023).
const instances = new Map<string, Ajv>();
function ajvFor(dialect: JsonSchemaDialect, fillDefaults: boolean): Ajv {
  const key = `${dialect}:${fillDefaults ? 'filling' : 'checking'}`;
  let ajv = instances.get(key);
  if (!ajv) {
    ajv = newAjv(dialect, { ...options, useDefaults: fillDefaults });
    instances.set(key, ajv);
  }
  return ajv;
}

export type ProblemFinder = (value: unknown) => FieldProblem[];

/**
 * Compiles `schema` once; the returned function lists every problem of a value, prefixing paths with
 * `root`. With `fillDefaults` it also writes schema defaults into the value it checks.
 */
export function compileSchema(schema: Record<string, unknown>, root: string, fillDefaults = false): ProblemFinder {
  const validate: ValidateFunction = ajvFor(dialectOf(schema), fillDefaults).compile(schema);
  return (value) => (validate(value) ? [] : (validate.errors ?? []).map((e) => toProblem(e, root)));
}

function toProblem(error: ErrorObject, root: string): FieldProblem {
  const params = error.params as Record<string, unknown>;
  const path = root + pointerToPath(error.instancePath);
  if (error.keyword === 'required' && typeof params['missingProperty'] === 'string') {
    return { path: `${path}.${params['missingProperty']}`, message: 'is required' };
  }
  if (error.keyword === 'additionalProperties' && typeof params['additionalProperty'] === 'string') {
    return { path: `${path}.${params['additionalProperty']}`, message: 'is not an allowed property' };
  }
  const allowed = Array.isArray(params['allowedValues']) ? `: ${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` : '';
  return { path, message: `${error.message ?? 'is invalid'}${allowed}` };
}

/** `/items/0/name` -> `.items[0].name` */
function pointerToPath(pointer: string): string {
  if (!pointer) return '';
  return pointer
    .split('/')
    .slice(1)
    .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment) => (/^\d+$/.test(segment) ? `[${segment}]` : `.${segment}`))
    .join('');
}
