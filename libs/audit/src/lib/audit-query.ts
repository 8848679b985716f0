import { AUDIT_OUTCOMES, type AuditOutcome, type AuditRecord } from './audit-record';

export interface AuditQuery {
  /** Epoch ms, inclusive. */
  since?: number;
  /** Epoch ms, exclusive. */
  until?: number;
  subject?: string;
  /** An exact tool name, or a prefix ending in `*` (`shell.*`). */
  capability?: string;
  outcome?: AuditOutcome;
  /** Most records returned, newest first; default DEFAULT_AUDIT_LIMIT. */
  limit?: number;
}

export const DEFAULT_AUDIT_LIMIT = 100;
export const MAX_AUDIT_LIMIT = 10_000;

export function limitOf(query: AuditQuery): number {
  const limit = query.limit ?? DEFAULT_AUDIT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_AUDIT_LIMIT) throw new Error(`audit query limit must be a whole number from 1 to ${MAX_AUDIT_LIMIT}`);
  return limit;
}

export function isAuditOutcome(value: string): value is AuditOutcome {
  return (AUDIT_OUTCOMES as readonly string[]).includes(value);
}

/** Whether a record answers a query (every adapter filters with this, so they agree). */
export function matchesQuery(record: AuditRecord, query: AuditQuery): boolean {
  const time = Date.parse(record.time);
  if (query.since !== undefined && time < query.since) return false;
  if (query.until !== undefined && time >= query.until) return false;
  if (query.subject !== undefined && record.subject !== query.subject) return false;
  if (query.outcome !== undefined && record.outcome !== query.outcome) return false;
  if (query.capability !== undefined) {
    const wanted = query.capability;
    if (wanted.endsWith('*') ? !record.capability.startsWith(wanted.slice(0, -1)) : record.capability !== wanted) return false;
  }
  return true;
}
