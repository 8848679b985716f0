import type { ZodType } from 'zod';
import type { JsonSchemaObject } from '@pimcp/protocol';

/** A tool's schema as a plugin author writes it: JSON Schema, or a zod schema (converted once, at definition). */
export type SchemaInput = JsonSchemaObject | ZodType;

export function isZodSchema(schema: unknown): schema is ZodType {
  return schema !== null && typeof schema === 'object' && '_zod' in schema;
}

/** JSON Schema (2020-12) for the manifest and for validation: every host validates the same way, by JSON Schema. */
export function toJsonSchema(schema: SchemaInput): JsonSchemaObject {
  if (!isZodSchema(schema)) return schema;
  // Required here: a zod schema means its author loaded zod already, and a node whose tools use JSON Schema
  // never pays for zod (megabytes of heap; ADR 0018).
  const { toJSONSchema } = require('zod') as typeof import('zod');
  return toJSONSchema(schema, { target: 'draft-2020-12' }) as JsonSchemaObject;
}
