import type { default as Ajv, Options } from 'ajv';

/** The JSON Schema dialects tool schemas may use: MCP's default 2020-12, or draft-07 when a schema declares it. */
export type JsonSchemaDialect = '2020-12' | 'draft-07';

const DRAFT_07 = 'http://json-schema.org/draft-07/schema';

export function dialectOf(schema: Readonly<Record<string, unknown>>): JsonSchemaDialect {
  const declared = typeof schema['$schema'] === 'string' ? schema['$schema'] : '';
  return declared.startsWith(DRAFT_07) ? 'draft-07' : '2020-12';
}

/**
 * A new Ajv instance for `dialect`. Ajv is required here, on the first call, not when this module loads: an edge
 * node that never compiles a schema at boot does not load it (ADR 0023).
 */
export function newAjv(dialect: JsonSchemaDialect, options: Options): Ajv {
  return dialect === 'draft-07'
    ? new (require('ajv') as typeof import('ajv')).default(options)
    : new (require('ajv/dist/2020') as typeof import('ajv/dist/2020')).default(options);
}
