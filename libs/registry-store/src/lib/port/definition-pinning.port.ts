import type {
  DefinitionPinRecord, PinningEvent, PinReview, PinReviewResult, TrustedNodeRecord,
} from '../pinning/definition-pin.types';

/**
 * Definition pinning (ADR 0015), part of the RegistryStore port: joins consult pins atomically with the
 * registration (JoinOptions.pinning); these are the operator's side and the event list.
 */
export interface DefinitionPinning {
  /** Pin records, optionally of one node, sorted by node id then capability name. */
  listPins(nodeId?: string): Promise<DefinitionPinRecord[]>;
  /**
   * Approves (the pending definition becomes the pin, and serves at once when the node is live) or rejects (the
   * pin stays; the rejected hash is remembered) a pending change. CAPABILITY_UNKNOWN when nothing is pending,
   * INVALID_REQUEST when `expectedHash` is not what is pending, CAPABILITY_CONFLICT when an approved schema
   * contradicts another live node's for the same name and major version (ADR 0003).
   */
  reviewPin(review: PinReview): Promise<PinReviewResult>;
  /** Operator trust for one node, kept without a lease. Returns the store revision of the write. */
  setNodeTrusted(nodeId: string, trusted: boolean): Promise<number>;
  listTrustedNodes(): Promise<TrustedNodeRecord[]>;
  /** The newest `limit` pinning events, oldest first. */
  listPinningEvents(limit: number): Promise<PinningEvent[]>;
  /** Leader housekeeping: keeps the newest `keep` event batches; returns how many were deleted. */
  trimPinningEvents(keep: number): Promise<number>;
}
