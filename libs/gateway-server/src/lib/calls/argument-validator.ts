import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import Ajv from 'ajv';
import { canonicalJson, type CapabilityDefinition } from '@pimcp/protocol';

const DRAFT_07 = 'http://json-schema.org/draft-07/schema';
/** Compiled validators are cached by schema text; bounded so a churning catalog cannot grow it forever. */
const CACHE_LIMIT = 2048;

/**
 * Checks call arguments against the tool's inputSchema before anything is sent to a node
 * (the SDK's low-level Server does not). Returns problems as "path: message" strings.
 */
export class ArgumentValidator {
  private readonly ajv2020 = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  private readonly ajv07 = new Ajv({ strict: false, allErrors: true, validateFormats: false });
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
      const dialect = typeof schema['$schema'] === 'string' ? (schema['$schema'] as string) : '';
      validate = (dialect.startsWith(DRAFT_07) ? this.ajv07 : this.ajv2020).compile(schema);
      if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(key, validate);
    }
    return validate;
  }
}
