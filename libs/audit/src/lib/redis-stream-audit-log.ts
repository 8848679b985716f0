import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import type { AuditLog } from './audit-log.port';
import { type AuditQuery, limitOf, matchesQuery } from './audit-query';
import type { AuditRecord } from './audit-record';

export const DEFAULT_AUDIT_STREAM = 'pimcp:audit';
/** Entries read per XREVRANGE while filtering. */
const PAGE = 500;
const CLOCK_SLACK_MS = 60_000;
const LONGEST_CALL_MS = 3_600_000;

export interface RedisStreamAuditLogOptions {
  url: string;
  /** Retention: XADD MAXLEN ~ (Redis trims whole nodes, so slightly more may stay). */
  maxRecords: number;
  stream?: string;
}

/**
 * A Redis Stream shared by every gateway replica: XADD with MAXLEN ~ for bounded retention, one JSON field per
 * entry. Entry ids are Redis's clock (ms), so a time range maps to an id range; filters apply on read.
 */
export class RedisStreamAuditLog implements AuditLog {
  private readonly redis: Redis;
  private readonly stream: string;
  private readonly logger = new Logger(RedisStreamAuditLog.name);

  constructor(private readonly options: RedisStreamAuditLogOptions) {
    this.stream = options.stream ?? DEFAULT_AUDIT_STREAM;
    this.redis = new Redis(options.url, { lazyConnect: true, maxRetriesPerRequest: 2, connectTimeout: 2000 });
    this.redis.on('error', (err: Error) => this.logger.warn(`redis error: ${err.message}`));
  }

  async append(record: AuditRecord): Promise<void> {
    await this.redis.xadd(this.stream, 'MAXLEN', '~', this.options.maxRecords, '*', 'r', JSON.stringify(record));
  }

  async query(query: AuditQuery): Promise<AuditRecord[]> {
    const limit = limitOf(query);
    const found: AuditRecord[] = [];
    // Ids carry Redis's clock at append (when a call ended), record times the gateway's at its start: a minute of
    // clock skew below, the longest call (PIMCP_GATEWAY_CALL_TIMEOUT_MS at most 1 h) plus skew above.
    const floor = query.since === undefined ? '-' : String(Math.max(0, query.since - CLOCK_SLACK_MS));
    let end = query.until === undefined ? '+' : String(query.until + LONGEST_CALL_MS + CLOCK_SLACK_MS);
    for (;;) {
      const page = await this.redis.xrevrange(this.stream, end, floor, 'COUNT', PAGE);
      for (const [, fields] of page) {
        const record = recordOf(fields);
        if (record && matchesQuery(record, query)) found.push(record);
        if (found.length === limit) return found;
      }
      if (page.length < PAGE) return found;
      end = `(${page[page.length - 1]?.[0] ?? '0'}`;
    }
  }

  async close(): Promise<void> {
    if (this.redis.status === 'wait' || this.redis.status === 'end') {
      this.redis.disconnect();
      return;
    }
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

function recordOf(fields: string[]): AuditRecord | undefined {
  const at = fields.indexOf('r');
  if (at < 0) return undefined;
  try {
    return JSON.parse(fields[at + 1] ?? '') as AuditRecord;
  } catch {
    return undefined;
  }
}
