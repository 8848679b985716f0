/** Turns stored (key, JSON value) pairs into protocol records; shared by both adapters so they agree byte for byte. */
import type {
  CapabilityRecord, DisabledCapabilityRecord, DrainRecord, NodeRecord, RegistryEvent, RegistrySnapshot, RoutingPolicyRecord, ToolSetRecord,
} from '@pimcp/protocol';
import { parseRegistryKey } from '../registry-keys';

/** Maps one stored change to a watch event; undefined for keys consumers never see (claims, election, unknown). */
export function toRegistryEvent(key: string, json: string | undefined, revision: number): RegistryEvent | undefined {
  const parsed = parseRegistryKey(key);
  // Claims and pinning state are the registry's own bookkeeping: the catalog sees only the capability records.
  if (!parsed || parsed.kind === 'claim' || parsed.kind === 'pin' || parsed.kind === 'pin-events' || parsed.kind === 'trusted') {
    return undefined;
  }
  const value = json === undefined ? undefined : parseJson(json);
  // A value that does not parse (a hand-edited key) is reported as a deletion rather than crashing the watcher.
  const present = value !== undefined;
  switch (parsed.kind) {
    case 'node':
      return { revision, kind: 'node', nodeId: parsed.nodeId, ...(present ? { value: value as NodeRecord } : {}) };
    case 'capability':
      return {
        revision, kind: 'capability', nodeId: parsed.nodeId, name: parsed.name,
        ...(present ? { value: value as CapabilityRecord } : {}),
      };
    case 'disabled':
      return {
        revision, kind: 'disabled', scope: parsed.scope, name: parsed.name,
        ...(present ? { value: value as DisabledCapabilityRecord } : {}),
      };
    case 'drain':
      return { revision, kind: 'drain', nodeId: parsed.nodeId, ...(present ? { value: value as DrainRecord } : {}) };
    case 'routing-policy':
      return { revision, kind: 'routing-policy', capability: parsed.capability, ...(present ? { value: value as RoutingPolicyRecord } : {}) };
    case 'tool-set':
      return { revision, kind: 'tool-set', name: parsed.name, ...(present ? { value: value as ToolSetRecord } : {}) };
    case 'catalog-revision':
      return { revision, kind: 'catalog-revision', ...(typeof value === 'number' ? { value } : {}) };
  }
}

/** Builds a snapshot from every stored entry under the registry prefix, read at one revision. */
export function buildSnapshot(entries: Iterable<readonly [string, string]>, revision: number): RegistrySnapshot {
  const snapshot: RegistrySnapshot = { revision, catalogRevision: 0, nodes: [], capabilities: [], disabled: [], drained: [], routingPolicies: [], toolSets: [] };
  const sorted = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [key, json] of sorted) {
    const parsed = parseRegistryKey(key);
    const value = parseJson(json);
    if (!parsed || value === undefined) continue;
    switch (parsed.kind) {
      case 'node': snapshot.nodes.push(value as NodeRecord); break;
      case 'capability': snapshot.capabilities.push(value as CapabilityRecord); break;
      case 'disabled': snapshot.disabled.push(value as DisabledCapabilityRecord); break;
      case 'drain': snapshot.drained.push(value as DrainRecord); break;
      case 'routing-policy': snapshot.routingPolicies.push(value as RoutingPolicyRecord); break;
      case 'tool-set': snapshot.toolSets.push(value as ToolSetRecord); break;
      case 'catalog-revision': if (typeof value === 'number') snapshot.catalogRevision = value; break;
      case 'claim': case 'pin': case 'pin-events': case 'trusted': break;
    }
  }
  return snapshot;
}

export function parseJson(json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return undefined;
  }
}
