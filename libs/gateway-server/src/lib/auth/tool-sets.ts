import { toolSetNameProblem, toolSetPatternProblems, type ToolSetRecord } from '@pimcp/protocol';
import type { ToolSets } from './scope-grants';

/**
 * Checks one tool set's patterns with the rules the registry's admin API applies too (@pimcp/protocol); returns the
 * problems (empty when fine). Entries are tool-name globs (`shell.*`) or scopes (`prompts:review`, `context:read`);
 * a set cannot name another set.
 */
export function toolSetProblems(name: string, entries: unknown): string[] {
  const nameProblem = toolSetNameProblem(name);
  const patterns = toolSetPatternProblems(entries, `toolSets.${name.slice(0, 64)}`).map((p) => `${p.path}: ${p.message}`);
  return [...(nameProblem ? [nameProblem] : []), ...patterns];
}

/** Parses the `toolSets` setting (name -> patterns); throws with every problem. */
export function parseToolSets(raw: Readonly<Record<string, unknown>>): ToolSets {
  const problems = Object.entries(raw).flatMap(([name, entries]) => toolSetProblems(name, entries));
  if (problems.length > 0) throw new Error(problems.join('; '));
  return new Map(Object.entries(raw).map(([name, entries]) => [name, [...(entries as string[])]]));
}

/**
 * The tool sets an operator stored through the registry's admin API (ADR 0020). The registry validated them with the
 * same rules; one that still does not pass here (written by a newer version, or by hand in etcd) is skipped and
 * reported through `skip`, so it grants nothing rather than something unintended.
 */
export function toolSetsFromRecords(records: ReadonlyMap<string, ToolSetRecord>, skip: (name: string, problems: string[]) => void): ToolSets {
  const sets = new Map<string, readonly string[]>();
  for (const [name, record] of records) {
    const problems = toolSetProblems(name, record.patterns);
    if (problems.length > 0) skip(name, problems);
    else sets.set(name, [...record.patterns]);
  }
  return sets;
}
