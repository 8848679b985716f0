/**
 * How a tool call ended, as the gateway saw it. `refused`: a node refused the gateway's invocation token;
 * `denied`: the gateway refused it for a missing scope (403); `rate-limited`: over the subject's budget (429).
 */
export const AUDIT_OUTCOMES = ['ok', 'tool-error', 'invalid', 'refused', 'failed', 'denied', 'rate-limited'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/**
 * One tool call, written once when it ends. Argument values only when the operator asked for them
 * (they may hold secrets); their hash always, so a call can be matched against what a node ran.
 */
export interface AuditRecord {
  /** ISO 8601, when the call arrived. */
  time: string;
  requestId: string;
  subject: string;
  clientId?: string;
  /** The tool name the client called. */
  capability: string;
  /** The node that ran (or refused) it, when one was reached. */
  nodeId?: string;
  /** SHA-256 (hex) of the canonical JSON of the arguments; absent when the call was refused before its body was read (rate-limited). */
  argumentsHash?: string;
  arguments?: Record<string, unknown>;
  outcome: AuditOutcome;
  /** The PiMCP error code of a refused or failed call. */
  errorCode?: string;
  durationMs: number;
}
