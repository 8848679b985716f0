import type { AuditQuery } from './audit-query';
import type { AuditRecord } from './audit-record';

/** Append-only audit of tool calls. Adapters: Redis Stream, JSONL file, memory; one contract suite for all. */
export interface AuditLog {
  /** Appends one record; never changes or removes earlier ones (retention trims the oldest). */
  append(record: AuditRecord): Promise<void>;
  /** Records matching the query, newest first. */
  query(query: AuditQuery): Promise<AuditRecord[]>;
  close(): Promise<void>;
}
