import type { DefinitionPinPolicy, PinningEvent } from '../pinning/definition-pin.types';
import type { DefinitionPinning } from './definition-pinning.port';
import type {
  CapabilityScope, NodeManifest, RegistryEvent, RegistrySnapshot,
} from '@pimcp/protocol';

export interface JoinOptions {
  /** Lease TTL: the node disappears this long after its last heartbeat. */
  ttlSeconds: number;
  /**
   * Definition pinning (ADR 0015). Absent: definitions are written as the node sends them and nothing is pinned
   * (the store's behaviour before pinning; the registry server always passes a policy).
   */
  pinning?: DefinitionPinPolicy;
}

export interface JoinResult {
  leaseId: string;
  revision: number;
  /** What the join did to definition pins (empty without a pinning policy). */
  pinningEvents: PinningEvent[];
  /** Capabilities whose proposed definition is held for an operator (their pinned one, if any, serves). */
  held: string[];
}

export interface HeartbeatResult {
  draining: boolean;
}

export interface OrphanReport {
  /** Schema claims that no live capability holds any more. */
  claims: string[];
  /** Capability keys whose node record is gone. */
  capabilities: string[];
  /** Drain marks of nodes that have left. */
  drains: string[];
}

export interface RegistryWatch {
  close(): Promise<void>;
}

export interface RegistryWatchHandlers {
  /** Called in revision order; events of one write arrive in one call. */
  onEvents(events: RegistryEvent[]): void;
  /** Called when the watch cannot continue (e.g. WATCH_COMPACTED): take a new snapshot. */
  onError?(error: Error): void;
}

/**
 * The capability registry's storage port. Adapters: etcd (distributed) and embedded (single process).
 * Both pass libs/registry-store's contract suite. Errors are PimcpError with a protocol ErrorCode.
 */
export interface RegistryStore extends DefinitionPinning {
  /**
   * Registers a node and its capabilities under a fresh lease, replacing any earlier registration of the
   * same node id in one atomic step. CAPABILITY_CONFLICT when a capability's schema differs from the one
   * live nodes hold for the same name and major version; then nothing is written.
   */
  join(manifest: NodeManifest, options: JoinOptions): Promise<JoinResult>;
  /** Renews the node's lease. NODE_UNKNOWN once the lease has expired or the node left. */
  heartbeat(nodeId: string): Promise<HeartbeatResult>;
  /** Removes the node and all its capabilities at once. NODE_UNKNOWN when it is not registered. */
  leave(nodeId: string): Promise<void>;
  /** Admin switch; `scope` is a node id or ALL_NODES. Returns the store revision of the write. */
  setCapabilityEnabled(scope: CapabilityScope, name: string, enabled: boolean): Promise<number>;
  /**
   * An operator's routing policy for a capability (or `*`); undefined removes it. Stored as given: the registry's
   * admin API validates it with the router's rules first. Returns the store revision of the write.
   */
  setRoutingPolicy(capability: string, policy: Record<string, unknown> | undefined): Promise<number>;
  /**
   * An operator's named tool set (ADR 0020), stored as given: the registry's admin API validates it with the
   * gateway's rules first. Returns the store revision of the write.
   */
  putToolSet(name: string, patterns: readonly string[]): Promise<number>;
  /** Removes a tool set; the store revision of the write, or undefined when there was none (nothing written). */
  deleteToolSet(name: string): Promise<number | undefined>;
  /** Marks a live node as draining. NODE_UNKNOWN when it is not registered. */
  drain(nodeId: string): Promise<void>;
  /** A consistent view of everything at one revision. */
  snapshot(): Promise<RegistrySnapshot>;
  /** The operators' routing policies alone (what the admin API lists), without reading the whole catalog. */
  routingPolicies(): Promise<RegistrySnapshot['routingPolicies']>;
  /** The operators' tool sets alone (what the admin API lists), without reading the whole catalog. */
  toolSets(): Promise<RegistrySnapshot['toolSets']>;
  /** Ordered changes with revision > afterRevision; survives reconnects without gaps or repeats. */
  watch(afterRevision: number, handlers: RegistryWatchHandlers): Promise<RegistryWatch>;
  /** Leader housekeeping: deletes what no live node backs. */
  removeOrphans(): Promise<OrphanReport>;
  /** Leader housekeeping: sets the catalog revision counter to `value` (monotonic; lower values are ignored). */
  setCatalogRevision(value: number): Promise<void>;
  close(): Promise<void>;
}
