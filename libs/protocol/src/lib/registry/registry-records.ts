import type { CapabilityDefinitionDto } from '../manifest/capability-definition.dto';
import type { PromptDefinition, ResourceDefinition, ResourceTemplateDefinition } from '../manifest/offering-definitions.dto';

export type CapabilityDefinition = CapabilityDefinitionDto;

/** A live node as stored in the registry. Exists exactly while its lease lives. */
export interface NodeRecord {
  nodeId: string;
  labels: Record<string, string>;
  linkAddress: string;
  /** ISO time of the join that created the current lease. */
  joinedAt: string;
  /** The etcd lease (decimal string) that every key of this node is attached to. */
  leaseId: string;
  capabilityNames: string[];
  /** Resources, templates and prompts the node serves; absent when it serves none. */
  offerings?: NodeOfferings;
}

/**
 * What a node serves besides tools. Kept on the node record (ADR 0008): they carry no schema claims
 * and come and go with the node, so they need no keys of their own.
 */
export interface NodeOfferings {
  resources: ResourceDefinition[];
  resourceTemplates: ResourceTemplateDefinition[];
  prompts: PromptDefinition[];
}

/** One capability offered by one node. */
export interface CapabilityRecord {
  nodeId: string;
  definition: CapabilityDefinition;
  /** schemaDigest() of the definition: equal across nodes for one name and major version. */
  schemaDigest: string;
}

/** Where an admin switch applies: one node, or every node (`*`). */
export type CapabilityScope = string;
export const ALL_NODES: CapabilityScope = '*';

/** An operator's decision to turn a capability off, on one node or everywhere. Absent means enabled. */
export interface DisabledCapabilityRecord {
  scope: CapabilityScope;
  name: string;
  at: string;
}

/** A node an operator is draining: it keeps serving what it has but gets no new calls. */
export interface DrainRecord {
  nodeId: string;
  at: string;
}

/** An operator's routing policy for one capability (or `*`), set through the admin API; validated by the router's rules. */
export interface RoutingPolicyRecord {
  capability: string;
  policy: Record<string, unknown>;
  at: string;
}

/**
 * An operator's named tool set, set through the admin API (`PUT /v1/tool-sets/<name>`); scope `toolset:<name>` grants
 * its patterns on every gateway, replacing a gateway's YAML set of the same name (ADR 0020).
 */
export interface ToolSetRecord {
  name: string;
  patterns: string[];
  at: string;
}

/** Everything a consumer needs to build its catalog, as of `revision`. */
export interface RegistrySnapshot {
  revision: number;
  catalogRevision: number;
  nodes: NodeRecord[];
  capabilities: CapabilityRecord[];
  disabled: DisabledCapabilityRecord[];
  drained: DrainRecord[];
  routingPolicies: RoutingPolicyRecord[];
  toolSets: ToolSetRecord[];
}

/** One ordered change after a snapshot. `value` is absent on deletions. */
export type RegistryEvent =
  | { revision: number; kind: 'node'; nodeId: string; value?: NodeRecord }
  | { revision: number; kind: 'capability'; nodeId: string; name: string; value?: CapabilityRecord }
  | { revision: number; kind: 'disabled'; scope: CapabilityScope; name: string; value?: DisabledCapabilityRecord }
  | { revision: number; kind: 'drain'; nodeId: string; value?: DrainRecord }
  | { revision: number; kind: 'routing-policy'; capability: string; value?: RoutingPolicyRecord }
  | { revision: number; kind: 'tool-set'; name: string; value?: ToolSetRecord }
  | { revision: number; kind: 'catalog-revision'; value?: number };
