/** Definition pinning records (ADR 0015): what a node's capability definition was approved as, and what waits. */
import type { CapabilityDefinition } from '@pimcp/protocol';

/** One definition with its hash, as pinned or as proposed by a node. */
export interface HashedDefinition {
  /** definitionHash() of `definition`. */
  hash: string;
  definition: CapabilityDefinition;
  /** ISO time it was pinned or proposed. */
  at: string;
}

/**
 * The pin of one capability of one node (`/pimcp/v1/pins/<nodeId>/<name>`, no lease: it outlives the node).
 * `pinned` is what the catalog serves; `pending` a changed definition waiting for an operator.
 */
export interface DefinitionPinRecord {
  nodeId: string;
  name: string;
  /** Absent while a never-seen capability is held (holdNewCapabilities). */
  pinned?: HashedDefinition;
  pending?: HashedDefinition;
  /** Hashes an operator rejected (newest last, bounded): a re-join proposing one of them is not held again. */
  rejected?: string[];
}

/** How a join treats definitions; decided by the registry server from its settings and the trust list. */
export interface DefinitionPinPolicy {
  /** Changes from this node are applied and pinned at once (recorded as auto-approved). */
  trusted: boolean;
  /** A capability never seen from this node waits for approval instead of being pinned on first use. */
  holdNewCapabilities: boolean;
}

export type PinningEventKind = 'pinned' | 'held' | 'approved' | 'rejected' | 'auto-approved' | 'withdrawn';

/** One pinning decision, kept in the registry's event list and handed to the audit port. No secrets in here. */
export interface PinningEvent {
  at: string;
  kind: PinningEventKind;
  nodeId: string;
  capability: string;
  /** Hash of the definition the event is about (the proposed one for held/approved/rejected). */
  hash: string;
  /** Hash of the definition pinned before, when there was one. */
  previousHash?: string;
  /** Who decided: the node's join (TOFU, trust) or an operator. */
  by: 'join' | 'trust' | 'operator';
}

/** A node whose definition changes are auto-approved, set through the admin API (`/pimcp/v1/admin/trusted/<nodeId>`). */
export interface TrustedNodeRecord {
  nodeId: string;
  at: string;
}

/** One write's pinning events, stored under one key (`/pimcp/v1/pin-events/<sortable id>`). */
export interface PinningEventBatch {
  events: PinningEvent[];
}

/** Decision on a pending change. `expectedHash` guards against approving something other than what was reviewed. */
export interface PinReview {
  nodeId: string;
  name: string;
  approve: boolean;
  expectedHash?: string;
}

export interface PinReviewResult {
  record: DefinitionPinRecord;
  event: PinningEvent;
  revision: number;
}
