import type { AuditLog } from './audit-log.port';
import { type AuditQuery, limitOf, matchesQuery } from './audit-query';
import type { AuditRecord } from './audit-record';

/** In this process only (tests, one-process setups): a bounded ring, the oldest records dropped first. */
export class MemoryAuditLog implements AuditLog {
  private readonly records: AuditRecord[] = [];

  constructor(private readonly maxRecords = 100_000) {}

  async append(record: AuditRecord): Promise<void> {
    this.records.push(structuredClone(record));
    if (this.records.length > this.maxRecords) this.records.splice(0, this.records.length - this.maxRecords);
  }

  async query(query: AuditQuery): Promise<AuditRecord[]> {
    const limit = limitOf(query);
    const found: AuditRecord[] = [];
    for (let i = this.records.length - 1; i >= 0 && found.length < limit; i--) {
      const record = this.records[i] as AuditRecord;
      if (matchesQuery(record, query)) found.push(structuredClone(record));
    }
    return found;
  }

  async close(): Promise<void> {
    // Nothing to release.
  }
}
