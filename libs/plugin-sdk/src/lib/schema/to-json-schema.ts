import { toJSONSchema, type ZodType } from 'zod';
import type { JsonSchemaObject } from '@pimcp/protocol';

/** A tool's schema as a plugin author writes it: JSON Schema, or a zod schema (converted once, at definition). */
export type SchemaInput = JsonSchemaObject | ZodType;

export function isZodSchema(schema: unknown): schema is ZodType {
  return schema !== null && typeof schema === 'object' && '_zod' in schema;
}

/** JSON Schema (2020-12) for the manifest and for validation: every host validates the same way, by JSON Schema. */
export function toJsonSchema(schema: SchemaInput): JsonSchemaObject {
  return isZodSchema(schema) ? (toJSONSchema(schema, { target: 'draft-2020-12' }) as JsonSchemaObject) : schema;
}
