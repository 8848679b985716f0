/** A readable difference between two capability definitions, for operators reviewing a held change. */
import { canonicalJson, type CapabilityDefinition } from '@pimcp/protocol';

export interface DefinitionChange {
  /** Dotted path of the field that differs, e.g. `description` or `inputSchema.properties.path.type`. */
  path: string;
  /** Absent when the field is new. */
  before?: unknown;
  /** Absent when the field was removed. */
  after?: unknown;
}

/** Field-level changes from `before` to `after` (before absent: every field is new), in path order. */
export function diffDefinitions(before: CapabilityDefinition | undefined, after: CapabilityDefinition): DefinitionChange[] {
  const changes: DefinitionChange[] = [];
  walk(before ?? {}, after, '', changes);
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function walk(before: unknown, after: unknown, path: string, changes: DefinitionChange[]): void {
  if (isPlainObject(before) && isPlainObject(after)) {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      walk(before[key], after[key], path ? `${path}.${key}` : key, changes);
    }
    return;
  }
  if (canonicalJson(before) === canonicalJson(after)) return;
  // Arrays and scalars are reported whole: `required: ["a"] -> ["a","b"]` reads better than per-index noise.
  changes.push({ path: path || '(definition)', ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}) });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
