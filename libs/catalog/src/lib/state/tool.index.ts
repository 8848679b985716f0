/** The visible tools by name, refreshed name by name as the state changes, with the sorted views cached between changes. */
import type { CatalogTool, CatalogToolVersion, NameCollision, ProviderRef } from '../catalog.types';
import { compareNames } from '../names/tool-names';
import type { CatalogState } from './catalog.state';
import { buildToolEntry, type IndexedTool } from './tool-entry.factory';

export interface ToolIndexDiff {
  toolsChanged: boolean;
  aliasesChanged: boolean;
  providersChanged: boolean;
  /** Visible names whose entry changed, sorted. */
  names: string[];
}

interface SortedViews {
  all?: readonly CatalogTool[];
  federated?: readonly CatalogTool[];
  aliases?: readonly CatalogTool[];
  collisions?: readonly NameCollision[];
}

export class ToolIndex {
  private readonly entries = new Map<string, IndexedTool>();
  private views: SortedViews = {};

  static build(state: CatalogState): ToolIndex {
    const index = new ToolIndex();
    index.refresh(state, state.candidateNames());
    return index;
  }

  get(name: string): IndexedTool | undefined {
    return this.entries.get(name);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Rebuilds the entries of `names` from `state` and reports what readers would see differently. */
  refresh(state: CatalogState, names: Iterable<string>): ToolIndexDiff {
    const diff = emptyDiff();
    let invalidate = false;
    for (const name of names) {
      const before = this.entries.get(name);
      const after = buildToolEntry(state, name);
      const changed = record(diff, name, before, after);
      const hiddenChanged = hiddenKey(before) !== hiddenKey(after);
      // Unchanged entries keep their objects, so readers holding one see the same identity.
      if (!changed && !hiddenChanged) continue;
      invalidate = true;
      if (after) this.entries.set(name, after);
      else this.entries.delete(name);
    }
    if (invalidate) this.views = {};
    diff.names.sort(compareNames);
    return diff;
  }

  /** What a reader of `previous` would see differently in this index (after a resnapshot). */
  diffFrom(previous: ToolIndex): ToolIndexDiff {
    const diff = emptyDiff();
    for (const name of new Set([...previous.entries.keys(), ...this.entries.keys()])) {
      record(diff, name, previous.entries.get(name), this.entries.get(name));
    }
    diff.names.sort(compareNames);
    return diff;
  }

  all(): readonly CatalogTool[] {
    return (this.views.all ??= this.sorted(() => true));
  }

  federated(): readonly CatalogTool[] {
    return (this.views.federated ??= this.sorted((entry) => entry.tool.kind === 'federated'));
  }

  aliases(): readonly CatalogTool[] {
    return (this.views.aliases ??= this.sorted((entry) => entry.tool.kind === 'alias'));
  }

  collisions(): readonly NameCollision[] {
    this.views.collisions ??= Object.freeze([...this.entries.values()]
      .filter((entry) => entry.hidden !== undefined)
      .map((entry) => Object.freeze({
        name: entry.tool.name,
        aliasNodeId: entry.tool.nodeId as string,
        hiddenProviderIds: Object.freeze(providerIds(entry.hidden as CatalogTool)),
      }))
      .sort((a, b) => compareNames(a.name, b.name)));
    return this.views.collisions;
  }

  private sorted(keep: (entry: IndexedTool) => boolean): readonly CatalogTool[] {
    return Object.freeze([...this.entries.values()].filter(keep).map((entry) => entry.tool)
      .sort((a, b) => compareNames(a.name, b.name)));
  }
}

function emptyDiff(): ToolIndexDiff {
  return { toolsChanged: false, aliasesChanged: false, providersChanged: false, names: [] };
}

/** Adds one name's change to `diff`; returns whether anything a reader sees changed. */
function record(diff: ToolIndexDiff, name: string, before: IndexedTool | undefined, after: IndexedTool | undefined): boolean {
  if (!before && !after) return false;
  const listed = !before || !after || before.tool.kind !== after.tool.kind || before.digests[0] !== after.digests[0];
  const routed = !before || !after || !sameVersions(before, after);
  if (!listed && !routed) return false;
  if (listed) {
    // A name passing between a federated tool and an alias (ADR 0006 collisions) changes both lists.
    for (const entry of [before, after]) {
      if (entry?.tool.kind === 'federated') diff.toolsChanged = true;
      if (entry?.tool.kind === 'alias') diff.aliasesChanged = true;
    }
  }
  diff.providersChanged ||= routed;
  diff.names.push(name);
  return true;
}

function sameVersions(a: IndexedTool, b: IndexedTool): boolean {
  const va = a.tool.versions;
  const vb = b.tool.versions;
  if (va.length !== vb.length) return false;
  return va.every((version, i) => {
    const other = vb[i] as CatalogToolVersion;
    return version.major === other.major && a.digests[i] === b.digests[i] && sameProviders(version.providers, other.providers);
  });
}

function sameProviders(a: readonly ProviderRef[], b: readonly ProviderRef[]): boolean {
  return a.length === b.length && a.every((p, i) => {
    const q = b[i] as ProviderRef;
    return p.nodeId === q.nodeId && p.linkAddress === q.linkAddress && p.draining === q.draining
      && p.version === q.version && sameLabels(p.labels, q.labels);
  });
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  if (a === b) return true;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

function providerIds(tool: CatalogTool): string[] {
  return [...new Set(tool.versions.flatMap((v) => v.providers.map((p) => p.nodeId)))].sort(compareNames);
}

function hiddenKey(entry: IndexedTool | undefined): string {
  return entry?.hidden ? `${entry.tool.nodeId ?? ''}:${providerIds(entry.hidden).join(',')}` : '';
}
