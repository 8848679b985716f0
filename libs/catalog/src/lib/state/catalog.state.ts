/** The registry records one catalog cache holds, and which visible tool names each change can affect. */
import { createHash } from 'node:crypto';
import {
  ALL_NODES, canonicalJson, majorVersion, type CapabilityRecord, type NodeRecord, type RegistryEvent,
  type RegistrySnapshot, type RoutingPolicyRecord, type ToolSetRecord,
} from '@pimcp/protocol';
import { toolNames } from '../names/tool-names';

export interface HeldCapability {
  readonly record: CapabilityRecord;
  readonly major: number;
  /** Hash of the whole definition, descriptions included: what a client sees in tools/list. */
  readonly definitionDigest: string;
}

const NO_CAPABILITIES: ReadonlyMap<string, HeldCapability> = new Map();
const NO_NODES: ReadonlySet<string> = new Set();

export class CatalogState {
  revision = 0;
  catalogRevision = 0;
  private readonly nodeRecords = new Map<string, NodeRecord>();
  /** Every capability record, including those whose node record is gone (orphans are kept but never shown). */
  private readonly capabilitiesByNode = new Map<string, Map<string, HeldCapability>>();
  private readonly nodeIdsByName = new Map<string, Set<string>>();
  private readonly disabledScopes = new Map<string, Set<string>>();
  private readonly drainedNodeIds = new Set<string>();
  /** Operators' routing policies by capability (set through the registry's admin API). */
  readonly routingPolicies = new Map<string, RoutingPolicyRecord>();
  /** Set when an applied event changed routingPolicies; the cache clears it after announcing. */
  routingPoliciesChanged = false;
  /** Operators' named tool sets (set through the registry's admin API; ADR 0020). */
  readonly toolSets = new Map<string, ToolSetRecord>();
  /** Set when an applied event changed toolSets; the cache clears it after announcing. */
  toolSetsChanged = false;

  static fromSnapshot(snapshot: RegistrySnapshot): CatalogState {
    const state = new CatalogState();
    state.revision = snapshot.revision;
    state.catalogRevision = snapshot.catalogRevision;
    for (const node of snapshot.nodes) state.putNode(node);
    for (const capability of snapshot.capabilities) {
      state.putCapability(capability.nodeId, capability.definition.name, capability);
    }
    for (const switchOff of snapshot.disabled) state.setDisabled(switchOff.scope, switchOff.name, true);
    for (const drain of snapshot.drained) state.drainedNodeIds.add(drain.nodeId);
    for (const record of snapshot.routingPolicies ?? []) state.routingPolicies.set(record.capability, record);
    for (const record of snapshot.toolSets ?? []) state.toolSets.set(record.name, record);
    return state;
  }

  /**
   * Applies one event and adds to `touched` every visible name (federated or alias) whose entry it may change.
   * Returns whether the node view changed.
   */
  apply(event: RegistryEvent, touched: Set<string>): boolean {
    switch (event.kind) {
      case 'node':
        if (event.value) this.putNode(event.value);
        else this.nodeRecords.delete(event.nodeId);
        this.touchNode(event.nodeId, touched);
        return true;
      case 'capability':
        if (event.value) this.putCapability(event.nodeId, event.name, event.value);
        else this.deleteCapability(event.nodeId, event.name);
        touched.add(event.name).add(toolNames.alias(event.nodeId, event.name));
        return true;
      case 'disabled':
        this.setDisabled(event.scope, event.name, event.value !== undefined);
        touched.add(event.name);
        for (const nodeId of event.scope === ALL_NODES ? this.nodesOffering(event.name) : [event.scope]) {
          touched.add(toolNames.alias(nodeId, event.name));
        }
        return true;
      case 'drain':
        if (event.value) this.drainedNodeIds.add(event.nodeId);
        else this.drainedNodeIds.delete(event.nodeId);
        this.touchNode(event.nodeId, touched);
        return true;
      case 'routing-policy':
        if (event.value) this.routingPolicies.set(event.capability, event.value);
        else this.routingPolicies.delete(event.capability);
        this.routingPoliciesChanged = true;
        return false;
      case 'tool-set':
        if (event.value) this.toolSets.set(event.name, event.value);
        else this.toolSets.delete(event.name);
        this.toolSetsChanged = true;
        return false;
      case 'catalog-revision':
        if (event.value !== undefined) this.catalogRevision = event.value;
        return false;
    }
  }

  liveNode(nodeId: string): NodeRecord | undefined {
    return this.nodeRecords.get(nodeId);
  }

  liveNodes(): IterableIterator<NodeRecord> {
    return this.nodeRecords.values();
  }

  isDraining(nodeId: string): boolean {
    return this.drainedNodeIds.has(nodeId);
  }

  /** The switch that turns `name` off on `nodeId` (`*` before the node's own), or undefined when enabled. */
  disabledScope(nodeId: string, name: string): string | undefined {
    const scopes = this.disabledScopes.get(name);
    if (!scopes) return undefined;
    if (scopes.has(ALL_NODES)) return ALL_NODES;
    return scopes.has(nodeId) ? nodeId : undefined;
  }

  capability(nodeId: string, name: string): HeldCapability | undefined {
    return this.capabilitiesByNode.get(nodeId)?.get(name);
  }

  capabilitiesOf(nodeId: string): ReadonlyMap<string, HeldCapability> {
    return this.capabilitiesByNode.get(nodeId) ?? NO_CAPABILITIES;
  }

  /** Nodes holding a capability record of this name, live or not. */
  nodesOffering(name: string): ReadonlySet<string> {
    return this.nodeIdsByName.get(name) ?? NO_NODES;
  }

  /** Every name that could be visible: each capability name, and the alias of each capability of a live node. */
  candidateNames(): Set<string> {
    const names = new Set<string>();
    for (const [name, nodeIds] of this.nodeIdsByName) {
      names.add(name);
      for (const nodeId of nodeIds) if (this.nodeRecords.has(nodeId)) names.add(toolNames.alias(nodeId, name));
    }
    return names;
  }

  /** Labels are handed to readers inside ProviderRefs, so they are frozen once here. */
  private putNode(record: NodeRecord): void {
    Object.freeze(record.labels);
    this.nodeRecords.set(record.nodeId, record);
  }

  private touchNode(nodeId: string, touched: Set<string>): void {
    for (const name of this.capabilitiesOf(nodeId).keys()) touched.add(name).add(toolNames.alias(nodeId, name));
  }

  /** Keyed like the store key (node id, name), which is all a deletion carries. */
  private putCapability(nodeId: string, name: string, record: CapabilityRecord): void {
    let held = this.capabilitiesByNode.get(nodeId);
    if (!held) this.capabilitiesByNode.set(nodeId, (held = new Map()));
    held.set(name, {
      record,
      major: majorVersion(record.definition.version),
      definitionDigest: createHash('sha256').update(canonicalJson(record.definition)).digest('base64'),
    });
    let nodeIds = this.nodeIdsByName.get(name);
    if (!nodeIds) this.nodeIdsByName.set(name, (nodeIds = new Set()));
    nodeIds.add(nodeId);
  }

  private deleteCapability(nodeId: string, name: string): void {
    const held = this.capabilitiesByNode.get(nodeId);
    held?.delete(name);
    if (held?.size === 0) this.capabilitiesByNode.delete(nodeId);
    const nodeIds = this.nodeIdsByName.get(name);
    nodeIds?.delete(nodeId);
    if (nodeIds?.size === 0) this.nodeIdsByName.delete(name);
  }

  private setDisabled(scope: string, name: string, disabled: boolean): void {
    let scopes = this.disabledScopes.get(name);
    if (disabled) {
      if (!scopes) this.disabledScopes.set(name, (scopes = new Set()));
      scopes.add(scope);
    } else {
      scopes?.delete(scope);
      if (scopes?.size === 0) this.disabledScopes.delete(name);
    }
  }
}
