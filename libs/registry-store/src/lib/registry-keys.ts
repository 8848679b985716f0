import type { CapabilityScope } from '@pimcp/protocol';

/** The registry's etcd key layout (docs/adr/0001-etcd-key-layout.md). Build keys only here. */
export const REGISTRY_PREFIX = '/pimcp/v1/';

export const registryKeys = {
  nodesPrefix: () => `${REGISTRY_PREFIX}nodes/`,
  node: (nodeId: string) => `${REGISTRY_PREFIX}nodes/${nodeId}`,
  capabilitiesPrefix: () => `${REGISTRY_PREFIX}capabilities/`,
  nodeCapabilitiesPrefix: (nodeId: string) => `${REGISTRY_PREFIX}capabilities/${nodeId}/`,
  capability: (nodeId: string, name: string) => `${REGISTRY_PREFIX}capabilities/${nodeId}/${name}`,
  claimsPrefix: () => `${REGISTRY_PREFIX}claims/`,
  claim: (name: string, major: number) => `${REGISTRY_PREFIX}claims/${name}/${major}`,
  disabledPrefix: () => `${REGISTRY_PREFIX}admin/disabled/`,
  disabled: (scope: CapabilityScope, name: string) => `${REGISTRY_PREFIX}admin/disabled/${scope}/${name}`,
  drainPrefix: () => `${REGISTRY_PREFIX}admin/drained/`,
  drain: (nodeId: string) => `${REGISTRY_PREFIX}admin/drained/${nodeId}`,
  routingPolicyPrefix: () => `${REGISTRY_PREFIX}admin/routing/`,
  routingPolicy: (capability: string) => `${REGISTRY_PREFIX}admin/routing/${capability}`,
  toolSetPrefix: () => `${REGISTRY_PREFIX}admin/tool-sets/`,
  toolSet: (name: string) => `${REGISTRY_PREFIX}admin/tool-sets/${name}`,
  pinsPrefix: () => `${REGISTRY_PREFIX}pins/`,
  nodePinsPrefix: (nodeId: string) => `${REGISTRY_PREFIX}pins/${nodeId}/`,
  pin: (nodeId: string, name: string) => `${REGISTRY_PREFIX}pins/${nodeId}/${name}`,
  pinEventsPrefix: () => `${REGISTRY_PREFIX}pin-events/`,
  /** `id` sorts by time: a zero-padded millisecond timestamp, then a random suffix so replicas never collide. */
  pinEvents: (id: string) => `${REGISTRY_PREFIX}pin-events/${id}`,
  trustedPrefix: () => `${REGISTRY_PREFIX}admin/trusted/`,
  trusted: (nodeId: string) => `${REGISTRY_PREFIX}admin/trusted/${nodeId}`,
  catalogRevision: () => `${REGISTRY_PREFIX}meta/catalog-revision`,
  election: (service: string) => `${REGISTRY_PREFIX}election/${service}`,
} as const;

/**
 * Where a catalog snapshot's range ends (exclusive). Pins and pinning events sort last under the prefix and are
 * bulky (full definitions), and no catalog consumer reads them, so snapshots stop before them.
 */
export const REGISTRY_SNAPSHOT_END = `${REGISTRY_PREFIX}pin`;

export type ParsedRegistryKey =
  | { kind: 'node'; nodeId: string }
  | { kind: 'capability'; nodeId: string; name: string }
  | { kind: 'claim'; name: string; major: number }
  | { kind: 'disabled'; scope: CapabilityScope; name: string }
  | { kind: 'drain'; nodeId: string }
  | { kind: 'routing-policy'; capability: string }
  | { kind: 'tool-set'; name: string }
  | { kind: 'catalog-revision' }
  | { kind: 'pin'; nodeId: string; name: string }
  | { kind: 'pin-events'; id: string }
  | { kind: 'trusted'; nodeId: string };

/** Inverse of registryKeys for the keys a watcher sees; undefined for keys outside the layout. */
export function parseRegistryKey(key: string): ParsedRegistryKey | undefined {
  if (!key.startsWith(REGISTRY_PREFIX)) return undefined;
  const parts = key.slice(REGISTRY_PREFIX.length).split('/');
  const [head, a, b, c] = parts;
  if (head === 'nodes' && parts.length === 2 && a) return { kind: 'node', nodeId: a };
  if (head === 'capabilities' && parts.length === 3 && a && b) return { kind: 'capability', nodeId: a, name: b };
  if (head === 'claims' && parts.length === 3 && a && b) return { kind: 'claim', name: a, major: Number(b) };
  if (head === 'admin' && a === 'disabled' && parts.length === 4 && b && c) return { kind: 'disabled', scope: b, name: c };
  if (head === 'admin' && a === 'drained' && parts.length === 3 && b) return { kind: 'drain', nodeId: b };
  if (head === 'admin' && a === 'routing' && parts.length === 3 && b) return { kind: 'routing-policy', capability: b };
  if (head === 'admin' && a === 'tool-sets' && parts.length === 3 && b) return { kind: 'tool-set', name: b };
  if (head === 'pins' && parts.length === 3 && a && b) return { kind: 'pin', nodeId: a, name: b };
  if (head === 'pin-events' && parts.length === 2 && a) return { kind: 'pin-events', id: a };
  if (head === 'admin' && a === 'trusted' && parts.length === 3 && b) return { kind: 'trusted', nodeId: b };
  if (head === 'meta' && a === 'catalog-revision' && parts.length === 2) return { kind: 'catalog-revision' };
  return undefined;
}
