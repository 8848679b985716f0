/**
 * Marks a failure as having happened before the call reached the node (connection refused, connect timeout, the
 * node refusing the call before running it). Only such failures of a non-idempotent capability may be retried on
 * another node. Unmarked failures count as "may have run". A registry-wide symbol, so a copy of this lib bundled
 * twice still recognises the mark.
 */
const NOT_DELIVERED = Symbol.for('io.pimcp/router.not-delivered');

export function markNotDelivered<E extends object>(error: E): E {
  Object.defineProperty(error, NOT_DELIVERED, { value: true, enumerable: false });
  return error;
}

export function isNotDelivered(error: unknown): boolean {
  return error !== null && typeof error === 'object' && (error as Record<symbol, unknown>)[NOT_DELIVERED] === true;
}
