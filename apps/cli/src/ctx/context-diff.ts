/** One key of a shared context as `context.list` returns it. */
export interface ContextEntry {
  key: string;
  value: unknown;
  revision: number;
}

export type ContextChange =
  | { key: string; revision: number; value: unknown; deleted?: undefined }
  | { key: string; deleted: true; revision?: undefined };

/**
 * What changed between two reads of a context: keys written since (their revision moved) in write order,
 * then keys that are gone. Notifications only say "this context changed", and several writes may arrive
 * as one, so `ctx watch` compares whole reads instead of counting notifications.
 */
export function diffContext(before: readonly ContextEntry[], after: readonly ContextEntry[]): ContextChange[] {
  const old = new Map(before.map((e) => [e.key, e.revision]));
  const current = new Set(after.map((e) => e.key));
  const written: ContextChange[] = after
    .filter((e) => old.get(e.key) !== e.revision)
    .sort((a, b) => a.revision - b.revision)
    .map((e) => ({ key: e.key, revision: e.revision, value: e.value }));
  const deleted: ContextChange[] = before.filter((e) => !current.has(e.key)).map((e) => ({ key: e.key, deleted: true as const }));
  return [...written, ...deleted];
}

export function formatChange(contextId: string, change: ContextChange): string {
  return change.deleted
    ? `${contextId}/${change.key} deleted`
    : `${contextId}/${change.key} = ${JSON.stringify(change.value)} (revision ${change.revision})`;
}
