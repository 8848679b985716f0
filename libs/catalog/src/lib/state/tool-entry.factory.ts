/** Builds the visible entry for one tool name: the alias reading first, then the federated one (ADR 0006). */
import type { CapabilityDefinition, NodeRecord } from '@pimcp/protocol';
import type {
  CatalogTool, CatalogToolKind, CatalogToolVersion, ProviderRef, ResolvedTool,
} from '../catalog.types';
import { compareNames, toolNames, type AliasParts } from '../names/tool-names';
import { compareVersions } from '../names/version-order';
import type { CatalogState, HeldCapability } from './catalog.state';

export interface IndexedTool {
  readonly tool: CatalogTool;
  /** What resolve(name) answers without a major; built once per change, not per call. */
  readonly resolved: ResolvedTool;
  /** The listed definition's digest per version, aligned with `tool.versions`. */
  readonly digests: readonly string[];
  /** The federated tool of the same name that this alias hides. */
  readonly hidden?: CatalogTool;
}

interface Offer {
  node: NodeRecord;
  held: HeldCapability;
}

export function buildToolEntry(state: CatalogState, name: string): IndexedTool | undefined {
  const federated = federatedEntry(state, name);
  const parts = toolNames.splitAlias(name);
  const alias = parts && aliasEntry(state, name, parts);
  if (alias) return federated ? { ...alias, hidden: federated.tool } : alias;
  return federated;
}

/** The resolution of one version of a tool; shared by the cached default and resolve(name, { major }). */
export function resolvedVersion(tool: CatalogTool, version: CatalogToolVersion): ResolvedTool {
  return Object.freeze({
    name: tool.name,
    kind: tool.kind,
    capabilityName: tool.capabilityName,
    ...(tool.nodeId !== undefined ? { nodeId: tool.nodeId } : {}),
    major: version.major,
    definition: version.definition,
    providers: version.providers,
  });
}

function aliasEntry(state: CatalogState, name: string, parts: AliasParts): IndexedTool | undefined {
  const offer = liveOffer(state, parts.nodeId, parts.capabilityName);
  if (!offer) return undefined;
  const version = toolVersion(offer.held.major, offer.held.record.definition, [providerRef(state, offer)]);
  return indexed(name, 'alias', parts.capabilityName, parts.nodeId, [version], [offer.held.definitionDigest]);
}

function federatedEntry(state: CatalogState, name: string): IndexedTool | undefined {
  const byMajor = new Map<number, Offer[]>();
  for (const nodeId of state.nodesOffering(name)) {
    const offer = liveOffer(state, nodeId, name);
    if (!offer) continue;
    const offers = byMajor.get(offer.held.major);
    if (offers) offers.push(offer);
    else byMajor.set(offer.held.major, [offer]);
  }
  if (byMajor.size === 0) return undefined;
  const versions: CatalogToolVersion[] = [];
  const digests: string[] = [];
  for (const major of [...byMajor.keys()].sort((a, b) => b - a)) {
    const offers = (byMajor.get(major) as Offer[]).sort((a, b) => compareNames(a.node.nodeId, b.node.nodeId));
    // Strictly newer only, so among equal versions the lowest node id keeps the listing stable.
    const newest = offers.reduce((best, offer) =>
      compareVersions(offer.held.record.definition.version, best.held.record.definition.version) > 0 ? offer : best);
    versions.push(toolVersion(major, newest.held.record.definition, offers.map((offer) => providerRef(state, offer))));
    digests.push(newest.held.definitionDigest);
  }
  return indexed(name, 'federated', name, undefined, versions, digests);
}

/** A capability of a live node that no switch turns off. */
function liveOffer(state: CatalogState, nodeId: string, name: string): Offer | undefined {
  const node = state.liveNode(nodeId);
  const held = node && state.capability(nodeId, name);
  if (!node || !held || state.disabledScope(nodeId, name) !== undefined) return undefined;
  return { node, held };
}

function indexed(
  name: string, kind: CatalogToolKind, capabilityName: string, nodeId: string | undefined,
  versions: CatalogToolVersion[], digests: string[],
): IndexedTool {
  const top = versions[0] as CatalogToolVersion;
  const tool: CatalogTool = Object.freeze({
    name,
    kind,
    capabilityName,
    ...(nodeId !== undefined ? { nodeId } : {}),
    definition: top.definition,
    providers: top.providers,
    versions: Object.freeze(versions),
  });
  return { tool, resolved: resolvedVersion(tool, top), digests };
}

function toolVersion(major: number, definition: CapabilityDefinition, providers: ProviderRef[]): CatalogToolVersion {
  return Object.freeze({ major, definition, providers: Object.freeze(providers) });
}

function providerRef(state: CatalogState, { node, held }: Offer): ProviderRef {
  return Object.freeze({
    nodeId: node.nodeId,
    linkAddress: node.linkAddress,
    labels: node.labels,
    draining: state.isDraining(node.nodeId),
    version: held.record.definition.version,
  });
}
