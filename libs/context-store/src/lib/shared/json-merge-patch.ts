import type { JsonValue } from '../port/json-value';

type JsonObject = { [member: string]: JsonValue };

/**
 * JSON Merge Patch, RFC 7396 section 2, without mutating either argument. Kept here (about 20 lines) rather than
 * taken from npm because the workspace has one package.json and this library may not change it; the RFC's
 * appendix A examples are its tests.
 */
export function applyMergePatch(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isObject(patch)) return patch;
  const result: JsonObject = {};
  if (isObject(target)) for (const [member, value] of Object.entries(target)) define(result, member, value);
  for (const [member, value] of Object.entries(patch)) {
    if (value === null) delete result[member];
    else define(result, member, applyMergePatch(Object.hasOwn(result, member) ? result[member] : undefined, value));
  }
  return result;
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// defineProperty, not assignment: a member named "__proto__" must stay a member, not replace the prototype.
function define(object: JsonObject, member: string, value: JsonValue): void {
  Object.defineProperty(object, member, { value, enumerable: true, writable: true, configurable: true });
}
