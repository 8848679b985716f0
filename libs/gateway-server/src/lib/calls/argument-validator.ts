import type { ValidateFunction } from 'ajv';
import { canonicalJson, dialectOf, newAjv, type CapabilityDefinition } from '@pimcp/protocol';

const AJV_OPTIONS = { strict: false, allErrors: true, validateFormats: false } as const;
/** Compiled validators are cached by schema text; bounded so a churning catalog cannot grow it forever. */
const CACHE_LIMIT = 2048;

/**
 * Checks call arguments against the tool's inputSchema before anything is sent to a node
 * (the SDK's low-level Server does not). Returns problems as "path: message" strings.
 */
export class ArgumentValidator {
  private readonly ajvs = { '2020-12': newAjv('2020-12', AJV_OPTIONS), 'draft-07': newAjv('draft-07', AJV_OPTIONS) };
  private readonly cache = new Map<string, ValidateFunction>();

  problems(definition: CapabilityDefinition, args: unknown): string[] {
    const validate = this.compiled(definition.inputSchema);
    if (validate(args)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || '(arguments)'} ${e.message ?? 'is invalid'}`.trim());
  }

  private compiled(schema: Record<string, unknown>): ValidateFunction {
    const key = canonicalJson(schema);
    let validate = this.cache.get(key);
    if (!validate) {
      validate = this.ajvs[dialectOf(schema)].compile(schema);
      if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(key, validate);
    }
    return validate;
  }
}
