/** The per-node view (dashboards, CLI): every live node with all its capabilities, enabled or not. */
import type { CatalogNode, CatalogNodeCapability } from '../catalog.types';
import { compareNames } from '../names/tool-names';
import type { CatalogState } from './catalog.state';

export function buildNodeViews(state: CatalogState): readonly CatalogNode[] {
  const nodes: CatalogNode[] = [];
  for (const node of state.liveNodes()) {
    const capabilities: CatalogNodeCapability[] = [];
    for (const [name, held] of state.capabilitiesOf(node.nodeId)) {
      const disabledScope = state.disabledScope(node.nodeId, name);
      capabilities.push(Object.freeze({
        name,
        version: held.record.definition.version,
        major: held.major,
        enabled: disabledScope === undefined,
        ...(disabledScope !== undefined ? { disabledScope } : {}),
      }));
    }
    nodes.push(Object.freeze({
      nodeId: node.nodeId,
      linkAddress: node.linkAddress,
      labels: node.labels,
      joinedAt: node.joinedAt,
      draining: state.isDraining(node.nodeId),
      capabilities: Object.freeze(capabilities.sort((a, b) => compareNames(a.name, b.name))),
    }));
  }
  return Object.freeze(nodes.sort((a, b) => compareNames(a.nodeId, b.nodeId)));
}
