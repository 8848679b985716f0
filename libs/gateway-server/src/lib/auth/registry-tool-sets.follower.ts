import type { CatalogChange, CatalogCache } from '@pimcp/catalog';
import type { AccessPolicy } from './access-policy';
import type { ToolSets } from './scope-grants';
import { toolSetsFromRecords } from './tool-sets';

/** The MCP lists a client's view of which may change when a tool set changes. */
export type ListKind = 'tools' | 'resources' | 'prompts';

export interface RegistryToolSetsOptions {
  /** Told which lists a token may now see differently (the gateway sends `notifications/<list>/list_changed`). */
  onListsChanged(lists: ReadonlySet<ListKind>): void;
  warn(message: string): void;
}

/**
 * Keeps a gateway's tool sets in step with those stored through the registry's admin API (ADR 0020): applies them
 * now and after every catalog change that touched them; they replace the gateway's YAML sets of the same name.
 * Returns the function that stops following.
 */
export function followRegistryToolSets(
  cache: Pick<CatalogCache, 'toolSets' | 'onChange'>, policy: AccessPolicy, options: RegistryToolSetsOptions,
): () => void {
  const apply = (): void => {
    const before = policy.currentToolSets;
    policy.setToolSetOverrides(toolSetsFromRecords(cache.toolSets(), (name, problems) => {
      options.warn(`ignoring tool set "${name}" from the registry: ${problems.join('; ')}`);
    }));
    const lists = listsAffected(before, policy.currentToolSets);
    if (lists.size > 0) options.onListsChanged(lists);
  };
  const stop = cache.onChange((change: CatalogChange) => {
    if (change.toolSetsChanged) apply();
  });
  // After subscribing, so a change that lands in between is not lost (applying twice is harmless).
  apply();
  return stop;
}

/** The lists whose filtering depends on a set that changed: a tool glob touches tools/list, `prompts:` prompts/list, ... */
export function listsAffected(before: ToolSets, after: ToolSets): Set<ListKind> {
  const lists = new Set<ListKind>();
  for (const name of new Set([...before.keys(), ...after.keys()])) {
    const old = before.get(name) ?? [];
    const now = after.get(name) ?? [];
    if (old.length === now.length && old.every((entry, i) => entry === now[i])) continue;
    for (const entry of [...old, ...now]) {
      if (entry.startsWith('resources:')) lists.add('resources');
      else if (entry.startsWith('prompts:')) lists.add('prompts');
      // The context tools are listed; the context:// resources too.
      else if (entry.startsWith('context:')) lists.add('tools').add('resources');
      else lists.add('tools');
    }
  }
  return lists;
}
