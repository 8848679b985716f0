import { join } from 'node:path';
import type { Command } from 'commander';
import { AUDIT_OUTCOMES, type AuditLog, type AuditQuery, type AuditRecord, isAuditOutcome, JsonlFileAuditLog, RedisStreamAuditLog } from '@pimcp/audit';

interface AuditOptions {
  since?: string;
  until?: string;
  subject?: string;
  tool?: string;
  outcome?: string;
  limit: string;
  json?: boolean;
  redis?: string;
  file?: string;
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `pimcp audit`: the gateway's tool-call audit, newest first, from its Redis Stream or JSONL file. */
export function registerAuditCommand(program: Command, out: (text: string) => void = (text) => process.stdout.write(text)): void {
  program
    .command('audit')
    .description('show the tool-call audit (newest first) from Redis (--redis or PIMCP_REDIS_URL) or the JSONL file pimcp up writes')
    .option('--since <when>', 'from this long ago (15m, 2h, 7d) or this ISO date')
    .option('--until <when>', 'up to this long ago or this ISO date')
    .option('--subject <subject>', 'only this caller (the token subject)')
    .option('--tool <name>', 'only this tool; a trailing * matches a prefix (shell.*)')
    .option('--outcome <outcome>', `only ${AUDIT_OUTCOMES.join(', ')}`)
    .option('--limit <n>', 'most records shown', '50')
    .option('--json', 'one JSON record per line instead of a table')
    .option('--redis <url>', 'the Redis the gateways audit to (default PIMCP_REDIS_URL)')
    .option('--file <path>', 'a JSONL audit file (default PIMCP_GATEWAY_AUDIT_FILE or .pimcp/audit.jsonl)')
    .action(async (options: AuditOptions) => {
      const query = queryOf(options);
      const log = openLog(options);
      try {
        const records = await log.query(query);
        out(options.json ? records.map((r) => `${JSON.stringify(r)}\n`).join('') : table(records));
      } finally {
        await log.close();
      }
    });
}

function openLog(options: AuditOptions): AuditLog {
  const redisUrl = options.redis ?? (options.file ? undefined : process.env['PIMCP_REDIS_URL']);
  if (redisUrl) return new RedisStreamAuditLog({ url: redisUrl, maxRecords: 1 });
  return new JsonlFileAuditLog(options.file ?? process.env['PIMCP_GATEWAY_AUDIT_FILE'] ?? join('.pimcp', 'audit.jsonl'));
}

function queryOf(options: AuditOptions): AuditQuery {
  const limit = Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new Error('--limit takes a whole number from 1 to 10000');
  if (options.outcome !== undefined && !isAuditOutcome(options.outcome)) throw new Error(`--outcome takes ${AUDIT_OUTCOMES.join(', ')}`);
  return {
    limit,
    ...(options.since ? { since: instantOf(options.since, '--since') } : {}),
    ...(options.until ? { until: instantOf(options.until, '--until') } : {}),
    ...(options.subject ? { subject: options.subject } : {}),
    ...(options.tool ? { capability: options.tool } : {}),
    ...(options.outcome && isAuditOutcome(options.outcome) ? { outcome: options.outcome } : {}),
  };
}

function instantOf(value: string, flag: string): number {
  const ago = /^(\d+)([smhd])$/.exec(value);
  if (ago) return Date.now() - Number(ago[1]) * (UNIT_MS[ago[2] as string] as number);
  const date = Date.parse(value);
  if (Number.isNaN(date)) throw new Error(`${flag} takes a duration such as 15m, 2h or 7d, or a date such as 2026-12-01T10:00:00Z`);
  return date;
}

function table(records: AuditRecord[]): string {
  if (records.length === 0) return 'no audit records match\n';
  const rows = [['TIME', 'OUTCOME', 'SUBJECT', 'CLIENT', 'TOOL', 'NODE', 'MS', 'REQUEST'], ...records.map((r) => [
    r.time, r.errorCode ? `${r.outcome} (${r.errorCode})` : r.outcome, r.subject, r.clientId ?? '-', r.capability, r.nodeId ?? '-', String(r.durationMs), r.requestId,
  ])];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length))) ?? [];
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n') + '\n';
}
