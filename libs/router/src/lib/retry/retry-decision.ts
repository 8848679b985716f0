/** When a failed call may run again on another node. */
import { PimcpError } from '@pimcp/protocol';
import { isNotDelivered } from '../health/delivery';
import type { RoutedCapability } from '../router.types';
import type { RetryBudget } from './retry-budget';

export interface RetryInput {
  readonly error: unknown;
  readonly capability: RoutedCapability;
  /** Attempts made so far, hedges included. */
  readonly attempts: number;
  readonly maxAttempts: number;
  /** The caller cancelled. */
  readonly cancelled: boolean;
  /** Milliseconds left before the call's deadline, if it has one. */
  readonly remainingMs?: number;
}

/**
 * `cancelled`, `not-retryable` (the failure is not the node's: bad arguments, a tool error, a deadline),
 * `unsafe` (it may have run and the capability is neither idempotent nor read-only), `attempts`, `deadline`,
 * `budget` (the retry budget is spent).
 */
export type RetryRefusal = 'cancelled' | 'not-retryable' | 'unsafe' | 'attempts' | 'deadline' | 'budget';

export type RetryDecision = { readonly retry: true } | { readonly retry: false; readonly refusal: RetryRefusal; readonly detail: string };

/** A failure another node might not have: the node or its link (retryable codes), or an unknown transport error. */
export function isRetryableFailure(error: unknown): boolean {
  return error instanceof PimcpError ? error.retryable : true;
}

/**
 * Running the call again cannot do harm: it never reached the node, or the capability says repeating it is
 * harmless (`readOnlyHint` or `idempotentHint`).
 */
export function isSafeToRetry(error: unknown, capability: RoutedCapability): boolean {
  return isNotDelivered(error) || capability.annotations?.readOnlyHint === true || capability.annotations?.idempotentHint === true;
}

/** Decides; takes a token from the budget only when everything else allows the retry. */
export function decideRetry(input: RetryInput, budget: RetryBudget): RetryDecision {
  const name = input.capability.name;
  if (input.cancelled) return { retry: false, refusal: 'cancelled', detail: 'the caller cancelled' };
  if (!isRetryableFailure(input.error)) {
    return { retry: false, refusal: 'not-retryable', detail: `${(input.error as PimcpError).code} is not a node failure another node could avoid` };
  }
  if (!isSafeToRetry(input.error, input.capability)) {
    return {
      retry: false, refusal: 'unsafe',
      detail: `the call may have run and ${name} is not annotated idempotentHint or readOnlyHint, so it is not run again`,
    };
  }
  if (input.attempts >= input.maxAttempts) return { retry: false, refusal: 'attempts', detail: `${input.attempts} of ${input.maxAttempts} attempts used` };
  if (input.remainingMs !== undefined && input.remainingMs <= 0) return { retry: false, refusal: 'deadline', detail: 'the call deadline has passed' };
  if (!budget.tryWithdraw()) {
    return { retry: false, refusal: 'budget', detail: 'the retry budget is spent (many calls failed recently); not retried so retries cannot amplify an outage' };
  }
  return { retry: true };
}
