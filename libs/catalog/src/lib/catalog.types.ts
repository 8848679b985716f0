/** What the catalog cache shows its readers. Returned objects are shared between readers and frozen (definitions excepted). */
import type { CapabilityDefinition } from '@pimcp/protocol';

/** A node serving a resource, template or prompt. */
export interface OfferingProvider {
  readonly nodeId: string;
  readonly linkAddress: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly draining: boolean;
}

/** One federated resource, resource template or prompt: listed once, served by any of its providers. */
export interface CatalogOffering<T> {
  /** The definition the lowest node id registered. */
  readonly definition: T;
  /** Sorted by node id; never empty. */
  readonly providers: readonly OfferingProvider[];
}

/** A node that serves a tool, as the router needs it. */
export interface ProviderRef {
  readonly nodeId: string;
  readonly linkAddress: string;
  readonly labels: Readonly<Record<string, string>>;
  /** An operator is draining the node: it stays listed, but the router must not send it new calls. */
  readonly draining: boolean;
  /** The full version this node offers, e.g. "1.4.2" (the same major as its siblings in one list). */
  readonly version: string;
}

/** `federated`: a capability name served by every node that offers it. `alias`: `<nodeId>.<name>`, one node. */
export type CatalogToolKind = 'federated' | 'alias';

/** One major version of a tool and the nodes serving it. Majors are distinct contracts (ADR 0003). */
export interface CatalogToolVersion {
  readonly major: number;
  /** The definition of the newest version within the major (ties: the lowest node id). */
  readonly definition: CapabilityDefinition;
  /** Sorted by node id. */
  readonly providers: readonly ProviderRef[];
}

/** One entry of the federated tool list. */
export interface CatalogTool {
  /** What clients list and call: the capability name, or `<nodeId>.<capability>` for an alias. */
  readonly name: string;
  readonly kind: CatalogToolKind;
  /** The name the nodes know the capability by (for an alias, the part after the node id). */
  readonly capabilityName: string;
  /** For an alias: the one node it is pinned to. */
  readonly nodeId?: string;
  /** The listed definition: the highest major version's (`versions[0]`). */
  readonly definition: CapabilityDefinition;
  /** The nodes serving `definition`'s major version; lower majors are in `versions`. */
  readonly providers: readonly ProviderRef[];
  /** Every major version offered under this name, highest first. An alias has exactly one. */
  readonly versions: readonly CatalogToolVersion[];
}

/** A called name resolved to one contract and the nodes that can run it. */
export interface ResolvedTool {
  /** The name as called. */
  readonly name: string;
  readonly kind: CatalogToolKind;
  /** Send this to the node: the capability's own name (an alias `<node>.<tool>` resolves to `<tool>`). */
  readonly capabilityName: string;
  readonly nodeId?: string;
  readonly major: number;
  readonly definition: CapabilityDefinition;
  /** Never empty; may all be draining, in which case the router answers NODE_UNAVAILABLE. */
  readonly providers: readonly ProviderRef[];
}

export interface ResolveOptions {
  /** Resolve this major version instead of the highest one (for an alias: undefined unless the node has it). */
  major?: number;
}

export interface ToolListOptions {
  /** Also list every `<nodeId>.<name>` alias (default false). */
  includeAliases?: boolean;
}

/** A federated capability hidden because its name reads as a live node's alias (ADR 0006: aliases win). */
export interface NameCollision {
  readonly name: string;
  /** The node whose alias took the name. */
  readonly aliasNodeId: string;
  /** The nodes offering the capability literally named `name`, now reachable only through their own aliases. */
  readonly hiddenProviderIds: readonly string[];
}

export interface CatalogNodeCapability {
  readonly name: string;
  readonly version: string;
  readonly major: number;
  readonly enabled: boolean;
  /** Why it is disabled: `*` (every node) or this node's id. */
  readonly disabledScope?: string;
}

/** A live node with all its capabilities, enabled or not (dashboards, CLI). */
export interface CatalogNode {
  readonly nodeId: string;
  readonly linkAddress: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly joinedAt: string;
  readonly draining: boolean;
  /** Sorted by name. */
  readonly capabilities: readonly CatalogNodeCapability[];
}

/** Sent once per applied watch batch (or resnapshot) that changed what readers see. */
export interface CatalogChange {
  /** The store revision now applied. */
  readonly revision: number;
  readonly catalogRevision: number;
  /**
   * The federated list (`tools()`: names or listed definitions) changed: send MCP `notifications/tools/list_changed`.
   */
  readonly toolsChanged: boolean;
  /** The alias list (`aliases()`) changed; a gateway that lists aliases sends list_changed for this too. */
  readonly aliasesChanged: boolean;
  /** Routing data changed: providers, their draining flags, labels, addresses, versions, or tools came or went. */
  readonly providersChanged: boolean;
  /** resources/list or resources/templates/list changed: send `notifications/resources/list_changed`. */
  readonly resourcesChanged: boolean;
  /** prompts/list changed: send `notifications/prompts/list_changed`. */
  readonly promptsChanged: boolean;
  /** An operator set or removed a routing policy (`routingPolicies()`). */
  readonly routingPoliciesChanged: boolean;
  /** An operator set or removed a named tool set (`toolSets()`): scopes `toolset:<name>` grant something else now. */
  readonly toolSetsChanged: boolean;
  /** Visible names whose entry changed in any way, sorted. */
  readonly names: readonly string[];
  /** `watch`: a watch batch; `resync`: a new snapshot replaced the state after a watch failure. */
  readonly cause: 'watch' | 'resync';
}

export type CatalogChangeListener = (change: CatalogChange) => void;

/** Matches NestJS's Logger, so a gateway can pass `new Logger(CatalogCache.name)`. */
export interface CatalogLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface CatalogCacheOptions {
  /** First pause before retrying a failed resnapshot (default 100 ms); doubles per failure. */
  minResyncDelayMs?: number;
  /** Longest pause between resnapshot attempts (default 5000 ms). */
  maxResyncDelayMs?: number;
  /** Where resyncs, their failures and throwing listeners are reported (default: warnings and errors to the console). */
  logger?: CatalogLogger;
  /** Jitter source in [0, 1) (tests). */
  random?: () => number;
}

export type CatalogCachePhase = 'idle' | 'starting' | 'live' | 'resyncing' | 'stopped';

export interface CatalogCacheStatus {
  readonly phase: CatalogCachePhase;
  readonly revision: number;
  readonly catalogRevision: number;
  /** Snapshots taken after watch failures since start. */
  readonly resyncs: number;
  /** The last watch or resnapshot failure, if any. */
  readonly lastError?: string;
}
