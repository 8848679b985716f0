/** Counts requests per subject; a subject over its budget waits, others are not affected. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface SubjectRateLimiter {
  /** Budget, for messages: `requests` per `windowSeconds`. */
  readonly requests: number;
  readonly windowSeconds: number;
  consume(subject: string): Promise<RateDecision>;
  close(): Promise<void>;
}
