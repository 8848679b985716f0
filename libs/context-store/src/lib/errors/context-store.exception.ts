import { ErrorCode, PimcpError } from '@pimcp/protocol';

/** Why a context store call failed. Each code maps to the protocol code that crosses the wire. */
export enum ContextStoreErrorCode {
  RevisionConflict = 'CONTEXT_REVISION_CONFLICT',
  InvalidContextId = 'CONTEXT_INVALID_ID',
  InvalidKey = 'CONTEXT_INVALID_KEY',
  InvalidValue = 'CONTEXT_INVALID_VALUE',
  InvalidOption = 'CONTEXT_INVALID_OPTION',
  ValueTooLarge = 'CONTEXT_VALUE_TOO_LARGE',
  ContextTooLarge = 'CONTEXT_TOO_LARGE',
  TooManyKeys = 'CONTEXT_TOO_MANY_KEYS',
  Unavailable = 'CONTEXT_STORE_UNAVAILABLE',
  Closed = 'CONTEXT_STORE_CLOSED',
  ReplicaTimeout = 'CONTEXT_REPLICA_TIMEOUT',
}

// The protocol has no generic CONFLICT code: a lost compare-and-set is a request that no longer holds
// (INVALID_REQUEST, not retryable as is); the caller re-reads and tries again with the new revision.
const WIRE_CODE = {
  [ContextStoreErrorCode.RevisionConflict]: ErrorCode.InvalidRequest,
  [ContextStoreErrorCode.InvalidContextId]: ErrorCode.InvalidRequest,
  [ContextStoreErrorCode.InvalidKey]: ErrorCode.InvalidRequest,
  [ContextStoreErrorCode.InvalidValue]: ErrorCode.InvalidRequest,
  [ContextStoreErrorCode.InvalidOption]: ErrorCode.InvalidRequest,
  [ContextStoreErrorCode.ValueTooLarge]: ErrorCode.InvalidRequest,
  [ContextStoreErrorCode.ContextTooLarge]: ErrorCode.InvalidRequest,
  [ContextStoreErrorCode.TooManyKeys]: ErrorCode.InvalidRequest,
  [ContextStoreErrorCode.Unavailable]: ErrorCode.StoreUnavailable,
  [ContextStoreErrorCode.Closed]: ErrorCode.Internal,
  [ContextStoreErrorCode.ReplicaTimeout]: ErrorCode.DeadlineExceeded,
} satisfies Record<ContextStoreErrorCode, ErrorCode>;

/**
 * A PimcpError, so it crosses service boundaries as its wire code (`code`), with the precise local
 * reason kept in `reason` for callers in the same process (e.g. retry loops that look for conflicts).
 */
export class ContextStoreException extends PimcpError {
  constructor(
    readonly reason: ContextStoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(WIRE_CODE[reason], message);
    this.name = ContextStoreException.name;
    if (options?.cause !== undefined) this.cause = options.cause;
  }

  static is(error: unknown, reason: ContextStoreErrorCode): error is ContextStoreException {
    return error instanceof ContextStoreException && error.reason === reason;
  }
}
