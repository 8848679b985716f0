import { type ErrorCode, type FieldProblem, PimcpError } from '@pimcp/protocol';

/**
 * Why a call could not be routed or did not complete. The wire code is the closest existing ErrorCode; this says
 * exactly which case it was (ADR 0010 lists the codes these would become).
 */
export enum RouteFailure {
  /** No live node offers the capability. */
  NoProvider = 'no-provider',
  /** A constraint (pin, require, the caller's target) matched none of the nodes offering it. */
  NoMatch = 'no-match',
  /** Nodes match, but every one is draining, behind an open circuit, or already tried. */
  Unavailable = 'unavailable',
  /** Every eligible node is at its concurrency limit and the wait queue is full. */
  QueueFull = 'queue-full',
  /** Every eligible node stayed at its concurrency limit for the whole queue wait. */
  QueueTimeout = 'queue-timeout',
  /** The node (or every node tried) failed the call. */
  Failed = 'failed',
  /** The call failed on a node after it may have started, and the capability is not safe to run twice. */
  OutcomeUnknown = 'outcome-unknown',
  /** The caller cancelled, or its deadline passed, before the call could finish. */
  Cancelled = 'cancelled',
}

export class RouteError extends PimcpError {
  constructor(
    code: ErrorCode,
    readonly failure: RouteFailure,
    message: string,
    /** The nodes the call was tried on, or that a constraint or the queue was about. */
    readonly nodeIds: readonly string[] = [],
    problems: FieldProblem[] = [],
    /** The node's own error, when this reports a failed attempt. */
    cause?: unknown,
  ) {
    super(code, message, problems);
    this.name = 'RouteError';
    if (cause !== undefined) this.cause = cause;
  }
}
