/** An operator's approve or reject of a pending definition change, decided without I/O for both adapters. */
import { ErrorCode, PimcpError } from '@pimcp/protocol';
import type { DefinitionPinRecord, PinningEvent, PinReview } from './definition-pin.types';

/** Rejected hashes remembered per capability: enough to stop a node cycling a few bad versions, bounded for etcd. */
const REJECTED_HASHES_KEPT = 20;

export interface PinReviewPlan {
  record: DefinitionPinRecord;
  event: PinningEvent;
}

export function planPinReview(review: PinReview, current: DefinitionPinRecord | undefined, now: Date): PinReviewPlan {
  const pending = current?.pending;
  if (!current || !pending) {
    throw new PimcpError(ErrorCode.CapabilityUnknown,
      `node "${review.nodeId}" has no pending definition change for capability "${review.name}"; `
      + 'list pending changes with GET /v1/definitions/pending');
  }
  if (review.expectedHash !== undefined && review.expectedHash !== pending.hash) {
    throw new PimcpError(ErrorCode.InvalidRequest,
      `the pending definition of "${review.name}" on node "${review.nodeId}" is now ${pending.hash}, not the `
      + `${review.expectedHash} you reviewed (the node proposed another change since); review it again`);
  }
  const at = now.toISOString();
  const event: PinningEvent = {
    at, kind: review.approve ? 'approved' : 'rejected', nodeId: review.nodeId, capability: review.name, hash: pending.hash,
    ...(current.pinned ? { previousHash: current.pinned.hash } : {}), by: 'operator',
  };
  const rest: DefinitionPinRecord = { ...current };
  delete rest.pending;
  if (review.approve) return { record: { ...rest, pinned: { ...pending, at } }, event };
  const rejected = [...(current.rejected ?? []).filter((h) => h !== pending.hash), pending.hash].slice(-REJECTED_HASHES_KEPT);
  return { record: { ...rest, rejected }, event };
}
