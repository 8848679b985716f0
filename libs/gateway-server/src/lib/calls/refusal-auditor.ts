import { randomUUID } from 'node:crypto';
import type { AuthInfo } from '@modelcontextprotocol/server';
import type { AuditLog } from '@pimcp/audit';
import { callerOfAuth, subjectKeyOf } from '../mcp/caller-of';
import { CallAuditor } from './call-auditor';

/** At most this many subjects are remembered for the rate-limited record throttle (oldest forgotten first). */
const THROTTLE_SUBJECTS = 10_000;
/** A refused batch leaves at most this many records: one request must not turn into thousands of audit writes. */
const MAX_DENIED_RECORDS_PER_REQUEST = 32;

/**
 * Audit records for tools/call requests the gateway refuses at its door, before any node is asked: 403
 * insufficient_scope (`denied`) and 429 over the subject's budget (`rate-limited`), written by the CallAuditor that
 * records every other call. Never the token: only the subject and client id the verified token named. A subject
 * hammering past its limit leaves at most one rate-limited record per `rateLimitedEveryMs`, so the audit cannot be
 * flooded through the one path the rate limit does not bound.
 */
export class RefusalAuditor {
  private readonly auditor: CallAuditor;
  private readonly lastRateLimited = new Map<string, number>();

  constructor(log: AuditLog, private readonly options: { includeArguments: boolean; rateLimitedEveryMs?: number; now?: () => number }) {
    this.auditor = new CallAuditor(log, { includeArguments: options.includeArguments });
  }

  /** Each tools/call of a request refused for a missing scope (none of them ran). */
  denied(auth: AuthInfo | undefined, calls: ReadonlyArray<{ name: string; arguments: Record<string, unknown> | undefined }>): void {
    const caller = callerOfAuth(auth);
    for (const call of calls.slice(0, MAX_DENIED_RECORDS_PER_REQUEST)) {
      this.auditor.refused({ ...call, caller }, this.trace(), 'denied', 'INSUFFICIENT_SCOPE', true);
    }
  }

  /** A tools/call refused by the rate limit; its body was not read, so the name is the one its Mcp-Name header gave. */
  rateLimited(auth: AuthInfo | undefined, name: string | undefined): void {
    const key = subjectKeyOf(auth);
    const now = this.now();
    const last = this.lastRateLimited.get(key);
    if (last !== undefined && now - last < (this.options.rateLimitedEveryMs ?? 1000)) return;
    this.lastRateLimited.delete(key);
    this.lastRateLimited.set(key, now);
    if (this.lastRateLimited.size > THROTTLE_SUBJECTS) this.lastRateLimited.delete(this.lastRateLimited.keys().next().value as string);
    this.auditor.refused({ name: name || '(unnamed)', arguments: undefined, caller: callerOfAuth(auth) }, this.trace(), 'rate-limited', 'RATE_LIMITED', false);
  }

  private trace(): { requestId: string; startedAt: number } {
    return { requestId: randomUUID(), startedAt: this.now() };
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
}
