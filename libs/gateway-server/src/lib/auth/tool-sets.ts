import type { ToolSets } from './scope-grants';

export const TOOL_SET_NAME_PATTERN = /^[A-Za-z0-9][\w.-]{0,63}$/;
const ENTRY_PATTERN = /^(?:(?:tools|resources|prompts):\S+|context:(?:read|write)|[\w.*-]+)$/;

/**
 * Checks one tool set's patterns; returns the problems (empty when fine). Entries are tool-name globs (`shell.*`)
 * or scopes (`prompts:review`, `context:read`); a set cannot name another set.
 */
export function toolSetProblems(name: string, entries: unknown): string[] {
  const problems: string[] = [];
  if (!TOOL_SET_NAME_PATTERN.test(name)) problems.push(`"${name.slice(0, 64)}" is not a tool set name (letters, digits, . _ -; up to 64)`);
  if (!Array.isArray(entries) || entries.length === 0 || entries.length > 1000) {
    problems.push(`tool set "${name.slice(0, 64)}" must be a list of 1 to 1000 patterns such as "shell.*" or "prompts:review"`);
    return problems;
  }
  entries.forEach((entry, i) => {
    if (typeof entry !== 'string' || entry.length > 512 || !ENTRY_PATTERN.test(entry)) {
      problems.push(`tool set "${name.slice(0, 64)}" entry ${i}: expected a tool-name glob such as "shell.*" or a scope such as "prompts:review"`);
    }
  });
  return problems;
}

/** Parses the `toolSets` setting (name -> patterns); throws with every problem. */
export function parseToolSets(raw: Readonly<Record<string, unknown>>): ToolSets {
  const problems = Object.entries(raw).flatMap(([name, entries]) => toolSetProblems(name, entries));
  if (problems.length > 0) throw new Error(problems.join('; '));
  return new Map(Object.entries(raw).map(([name, entries]) => [name, [...(entries as string[])]]));
}
