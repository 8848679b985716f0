/**
 * The federated resources, resource templates and prompts (ADR 0008). They ride on node records, so
 * the index is rebuilt whole when a node or drain mark changes: nodes are few, and tool events skip it.
 */
import { canonicalJson, type NodeRecord } from '@pimcp/protocol';
import type { CatalogOffering, OfferingProvider } from '../catalog.types';
import { compareNames } from '../names/tool-names';
import type { CatalogState } from './catalog.state';

type OfferingKind = 'resources' | 'resourceTemplates' | 'prompts';

export interface OfferingIndexDiff {
  resourcesChanged: boolean;
  promptsChanged: boolean;
  /** Who serves an offering changed (nodes, drain marks), even if the lists did not. */
  providersChanged: boolean;
}

const KEY_OF: Record<OfferingKind, (definition: Record<string, unknown>) => string> = {
  resources: (d) => d['uri'] as string,
  resourceTemplates: (d) => d['uriTemplate'] as string,
  prompts: (d) => d['name'] as string,
};

export class OfferingIndex {
  private constructor(
    private readonly lists: Record<OfferingKind, ReadonlyMap<string, CatalogOffering<Record<string, unknown>>>>,
    private readonly listDigests: Record<OfferingKind, string>,
    private readonly providerDigest: string,
  ) {}

  static empty(): OfferingIndex {
    return new OfferingIndex({ resources: new Map(), resourceTemplates: new Map(), prompts: new Map() }, { resources: '', resourceTemplates: '', prompts: '' }, '');
  }

  static build(state: CatalogState): OfferingIndex {
    const nodes = [...state.liveNodes()].sort((a, b) => compareNames(a.nodeId, b.nodeId));
    const lists = { resources: collect(state, nodes, 'resources'), resourceTemplates: collect(state, nodes, 'resourceTemplates'), prompts: collect(state, nodes, 'prompts') };
    const listDigest = (kind: OfferingKind) => canonicalJson([...lists[kind].values()].map((o) => o.definition));
    const providers = (['resources', 'resourceTemplates', 'prompts'] as const)
      .map((kind) => [...lists[kind].entries()].map(([key, o]) => [key, o.providers.map((p) => `${p.nodeId}@${p.linkAddress}:${p.draining}`)]));
    return new OfferingIndex(lists, {
      resources: listDigest('resources'), resourceTemplates: listDigest('resourceTemplates'), prompts: listDigest('prompts'),
    }, canonicalJson(providers));
  }

  list<T>(kind: OfferingKind): readonly CatalogOffering<T>[] {
    return [...this.lists[kind].values()] as unknown as CatalogOffering<T>[];
  }

  get<T>(kind: OfferingKind, key: string): CatalogOffering<T> | undefined {
    return this.lists[kind].get(key) as unknown as CatalogOffering<T> | undefined;
  }

  diffFrom(previous: OfferingIndex): OfferingIndexDiff {
    return {
      resourcesChanged: this.listDigests.resources !== previous.listDigests.resources
        || this.listDigests.resourceTemplates !== previous.listDigests.resourceTemplates,
      promptsChanged: this.listDigests.prompts !== previous.listDigests.prompts,
      providersChanged: this.providerDigest !== previous.providerDigest,
    };
  }
}

/**
 * One entry per key across live nodes, sorted by key. The listed definition is the lowest node id's, so the
 * list is stable however nodes come and go; every live node offering the key is a provider.
 */
function collect(state: CatalogState, nodes: NodeRecord[], kind: OfferingKind): Map<string, CatalogOffering<Record<string, unknown>>> {
  const byKey = new Map<string, { definition: Record<string, unknown>; providers: OfferingProvider[] }>();
  for (const node of nodes) {
    const provider: OfferingProvider = Object.freeze({
      nodeId: node.nodeId, linkAddress: node.linkAddress, labels: node.labels, draining: state.isDraining(node.nodeId),
    });
    for (const definition of (node.offerings?.[kind] ?? []) as unknown as Record<string, unknown>[]) {
      const key = KEY_OF[kind](definition);
      const entry = byKey.get(key);
      if (entry) entry.providers.push(provider);
      else byKey.set(key, { definition: Object.freeze(definition), providers: [provider] });
    }
  }
  const sorted = [...byKey.entries()].sort(([a], [b]) => compareNames(a, b));
  return new Map(sorted.map(([key, entry]) => [key, Object.freeze({ definition: entry.definition, providers: Object.freeze(entry.providers) })]));
}
