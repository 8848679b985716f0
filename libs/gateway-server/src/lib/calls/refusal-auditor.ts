import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { AuthInfo } from '@modelcontextprotocol/server';
import type { AuditLog, AuditOutcome, AuditRecord } from '@pimcp/audit';
import { argumentsHash } from '@pimcp/node-link';

/** At most this many subjects are remembered for the rate-limited record throttle (oldest forgotten first). */
const THROTTLE_SUBJECTS = 10_000;
/** A refused batch leaves at most this many records: one request must not turn into thousands of audit writes. */
const MAX_DENIED_RECORDS_PER_REQUEST = 32;

/**
 * Audit records for tools/call requests the gateway refuses at its door, before any node is asked: 403
 * insufficient_scope (`denied`) and 429 over the subject's budget (`rate-limited`). Never the token: only the
 * subject and client id the verified token named. A subject hammering past its limit leaves at most one rate-limited
 * record per `rateLimitedEveryMs`, so the audit cannot be flooded through the one path the rate limit does not bound.
 */
export class RefusalAuditor {
  private readonly logger = new Logger(RefusalAuditor.name);
  private readonly lastRateLimited = new Map<string, number>();

  constructor(
    private readonly log: AuditLog,
    private readonly options: { includeArguments: boolean; rateLimitedEveryMs?: number; now?: () => number },
  ) {}

  /** Each tools/call of a request refused for a missing scope (none of them ran). */
  denied(auth: AuthInfo | undefined, calls: ReadonlyArray<{ name: string; arguments: Record<string, unknown> | undefined }>): void {
    for (const call of calls.slice(0, MAX_DENIED_RECORDS_PER_REQUEST)) {
      const args = call.arguments ?? {};
      this.write(auth, call.name, 'denied', 'INSUFFICIENT_SCOPE', {
        argumentsHash: argumentsHash(args), ...(this.options.includeArguments ? { arguments: args } : {}),
      });
    }
  }

  /** A tools/call refused by the rate limit; its body was not read, so the name is the one its Mcp-Name header gave. */
  rateLimited(auth: AuthInfo | undefined, name: string | undefined): void {
    const key = `${stringOf(auth?.extra?.['issuer'])}|${subjectOf(auth)}`;
    const now = this.now();
    const last = this.lastRateLimited.get(key);
    if (last !== undefined && now - last < (this.options.rateLimitedEveryMs ?? 1000)) return;
    this.lastRateLimited.delete(key);
    this.lastRateLimited.set(key, now);
    if (this.lastRateLimited.size > THROTTLE_SUBJECTS) this.lastRateLimited.delete(this.lastRateLimited.keys().next().value as string);
    this.write(auth, name || '(unnamed)', 'rate-limited', 'RATE_LIMITED', {});
  }

  private write(auth: AuthInfo | undefined, name: string, outcome: AuditOutcome, errorCode: string, extra: Partial<AuditRecord>): void {
    const record: AuditRecord = {
      time: new Date(this.now()).toISOString(),
      requestId: randomUUID(),
      subject: subjectOf(auth),
      ...(auth?.clientId ? { clientId: auth.clientId } : {}),
      capability: name.slice(0, 256),
      ...extra,
      outcome,
      errorCode,
      durationMs: 0,
    };
    this.log.append(record).catch((err: unknown) => this.logger.error(`audit record ${record.requestId} not written: ${(err as Error)?.message ?? String(err)}`));
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
}

function subjectOf(auth: AuthInfo | undefined): string {
  return stringOf(auth?.extra?.['subject']) || 'anonymous';
}

function stringOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
