import type { AuditLog } from './audit-log.port';
import { JsonlFileAuditLog } from './jsonl-file-audit-log';
import { MemoryAuditLog } from './memory-audit-log';
import { RedisStreamAuditLog } from './redis-stream-audit-log';

export type AuditSink = 'auto' | 'redis' | 'file' | 'memory' | 'off';

export interface AuditLogSettings {
  sink: AuditSink;
  redisUrl?: string;
  file?: string;
  maxRecords: number;
}

/** The configured adapter; undefined for `off`. `auto`: Redis when there is one, else memory. */
export function createAuditLog(settings: AuditLogSettings): AuditLog | undefined {
  const sink = settings.sink === 'auto' ? (settings.redisUrl ? 'redis' : 'memory') : settings.sink;
  switch (sink) {
    case 'off':
      return undefined;
    case 'memory':
      return new MemoryAuditLog(settings.maxRecords);
    case 'file':
      if (!settings.file) throw new Error('PIMCP_GATEWAY_AUDIT=file needs PIMCP_GATEWAY_AUDIT_FILE');
      return new JsonlFileAuditLog(settings.file);
    case 'redis':
      if (!settings.redisUrl) throw new Error('PIMCP_GATEWAY_AUDIT=redis needs PIMCP_REDIS_URL');
      return new RedisStreamAuditLog({ url: settings.redisUrl, maxRecords: settings.maxRecords });
  }
}
