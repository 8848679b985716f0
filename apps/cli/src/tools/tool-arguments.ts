import { CliError } from '../shared/cli-error';

type JsonSchema = { type?: string | string[]; properties?: Record<string, JsonSchema>; enum?: unknown[]; additionalProperties?: unknown };

/**
 * Builds a tool's arguments from `--json-args '{...}'` and repeated `--arg key=value` (which win). Each value
 * is read as the tool's input schema says: numbers, booleans, objects and arrays are parsed, strings stay
 * as typed; a property without a declared type takes JSON when the text is JSON and a string otherwise.
 */
export function buildToolArguments(inputSchema: unknown, pairs: string[], jsonArgs?: string): Record<string, unknown> {
  const args: Record<string, unknown> = jsonArgs === undefined ? {} : parseJsonArgs(jsonArgs);
  const schema = inputSchema as JsonSchema | undefined;
  const properties = schema?.properties ?? {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw CliError.usage(`--arg takes key=value, got "${pair}"`);
    const key = pair.slice(0, eq);
    if (schema?.additionalProperties === false && !Object.hasOwn(properties, key)) {
      const known = Object.keys(properties);
      throw CliError.usage(`--arg ${key}: the tool takes no argument "${key}"; it takes ${known.length ? known.join(', ') : 'no arguments'}`);
    }
    args[key] = coerce(key, pair.slice(eq + 1), properties[key]);
  }
  return args;
}

function parseJsonArgs(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw CliError.usage(`--json-args is not JSON (${(error as Error).message}); quote it for the shell: --json-args '{"key": 1}'`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw CliError.usage('--json-args must be a JSON object such as \'{"key": 1}\'');
  return parsed as Record<string, unknown>;
}

function coerce(key: string, raw: string, schema: JsonSchema | undefined): unknown {
  const types = typesOf(schema);
  if (types.length === 0) {
    const json = tryJson(raw);
    return json === undefined ? raw : json;
  }
  // Other types first, so "42" is a number where the schema allows a number or a string.
  for (const type of [...types.filter((t) => t !== 'string'), ...types.filter((t) => t === 'string')]) {
    const value = readAs(type, raw);
    if (value !== undefined) return value;
  }
  throw CliError.usage(`--arg ${key}: "${raw}" is not ${types.map(article).join(' or ')} as the tool's input schema requires`);
}

function readAs(type: string, raw: string): unknown {
  switch (type) {
    case 'string':
      return raw;
    case 'integer':
    case 'number': {
      if (raw.trim() === '') return undefined;
      const n = Number(raw);
      return Number.isFinite(n) && (type === 'number' || Number.isInteger(n)) ? n : undefined;
    }
    case 'boolean':
      return raw === 'true' ? true : raw === 'false' ? false : undefined;
    case 'null':
      return raw === 'null' ? null : undefined;
    case 'object':
    case 'array': {
      const value = tryJson(raw);
      if (value === undefined || value === null) return undefined;
      return (type === 'array') === Array.isArray(value) && typeof value === 'object' ? value : undefined;
    }
    default:
      return undefined;
  }
}

function typesOf(schema: JsonSchema | undefined): string[] {
  if (!schema) return [];
  if (Array.isArray(schema.type)) return schema.type;
  if (typeof schema.type === 'string') return [schema.type];
  // An enum of strings only is a string, whatever the values look like.
  if (schema.enum?.length && schema.enum.every((v) => typeof v === 'string')) return ['string'];
  return [];
}

function tryJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

function article(type: string): string {
  return { integer: 'an integer', array: 'an array (JSON)', object: 'an object (JSON)', null: 'null' }[type] ?? `a ${type}`;
}
