/** Compiled JSON Schema checks for tool arguments and structured results, with problems named by field. */
import type { default as AjvClass, ErrorObject, ValidateFunction } from 'ajv';
import type { FieldProblem } from '@pimcp/protocol';

const DRAFT_07 = 'http://json-schema.org/draft-07/schema';

// Formats are not checked (as the registry and gateway do not), so all three agree on what is valid.
const options = { strict: false, allErrors: true, validateFormats: false } as const;
// Arguments get `default` values filled in (on a copy), so handlers see what the schema promises;
// results are only checked, never changed.
// Each instance is made on first use: an Ajv instance holds its compiled meta-schema, and most nodes only ever need
// the draft 2020-12 ones (ADR 0018). Ajv itself loads with the first tool call (ADR 0023).
const instances = new Map<string, AjvClass>();
function ajvFor(draft07: boolean, fillDefaults: boolean): AjvClass {
  const key = `${draft07 ? 'draft07' : 'draft2020'}:${fillDefaults ? 'filling' : 'checking'}`;
  let ajv = instances.get(key);
  if (!ajv) {
    const settings = { ...options, useDefaults: fillDefaults };
    ajv = draft07
      ? new (require('ajv') as typeof import('ajv')).default(settings)
      : new (require('ajv/dist/2020') as typeof import('ajv/dist/2020')).default(settings);
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
  const dialect = typeof schema['$schema'] === 'string' ? (schema['$schema'] as string) : '';
  const validate: ValidateFunction = ajvFor(dialect.startsWith(DRAFT_07), fillDefaults).compile(schema);
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
