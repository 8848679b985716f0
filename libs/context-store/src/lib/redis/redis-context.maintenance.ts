import { Logger } from '@nestjs/common';
import type { RedisOptions } from 'ioredis';
import type { ContextMaintenance, ContextStats, SweepOptions, SweepReport } from '../maintenance/context-maintenance.port';
import { openContextRedis, type ContextRedis } from './context-redis.connection';
import { contextRedisKeys, DEFAULT_CONTEXT_KEY_PREFIX, scriptKeys } from './context-redis-keys';
import { SWEEP_CONTEXT_LUA } from './scripts/sweep-context.lua';

export interface RedisContextMaintenanceOptions {
  url: string;
  keyPrefix?: string;
  redis?: RedisOptions;
  /** Keys SCAN returns per round trip (default 500). */
  scanCount?: number;
}

type SweepReply = [number, number, number, number, number, number, number, number];

/**
 * The context-sync leader's view of every context in Redis: SCAN finds them by key pattern, then one script per
 * context compacts, repairs and measures it. Safe beside live writers: each script runs alone.
 */
export class RedisContextMaintenance implements ContextMaintenance {
  private readonly logger = new Logger(RedisContextMaintenance.name);
  private readonly prefix: string;
  private readonly client: ContextRedis & { contextSweep(...args: Array<string | number>): Promise<SweepReply> };

  constructor(private readonly options: RedisContextMaintenanceOptions) {
    this.prefix = options.keyPrefix ?? DEFAULT_CONTEXT_KEY_PREFIX;
    const client = openContextRedis(options.url, options.redis ?? {}, this.logger);
    client.defineCommand('contextSweep', { lua: SWEEP_CONTEXT_LUA, numberOfKeys: 6 });
    this.client = client as typeof this.client;
  }

  async sweep(options: SweepOptions): Promise<SweepReport> {
    const started = Date.now();
    const report: SweepReport = { contexts: 0, trimmedEntries: 0, orphanKeysRemoved: 0, ttlRepaired: 0, durationMs: 0 };
    for await (const contextId of this.contextIds()) {
      const [hasMeta, trimmed, orphans, repaired] = await this.sweepOne(contextId, options.retainChanges);
      if (hasMeta === 1) report.contexts += 1;
      report.trimmedEntries += trimmed;
      report.orphanKeysRemoved += orphans;
      report.ttlRepaired += repaired;
    }
    report.durationMs = Date.now() - started;
    return report;
  }

  /** Measures without changing anything (a sweep that retains everything). */
  async stats(): Promise<ContextStats> {
    const stats: ContextStats = { contexts: 0, keys: 0, historyEntries: 0, bytes: 0, expiring: 0 };
    for await (const contextId of this.contextIds()) {
      const keys = contextRedisKeys(this.prefix, contextId);
      const [exists, keyCount, historyEntries, bytes, pttl] = await this.client.multi()
        .exists(keys.meta).hlen(keys.values).xlen(keys.log).hget(keys.meta, 'bytes').pttl(keys.meta).exec()
        .then((replies) => (replies ?? []).map(([error, value]) => {
          if (error) throw error;
          return Number(value ?? 0);
        }));
      if (exists !== 1) continue;
      stats.contexts += 1;
      stats.keys += keyCount ?? 0;
      stats.historyEntries += historyEntries ?? 0;
      stats.bytes += bytes ?? 0;
      if ((pttl ?? -1) > 0) stats.expiring += 1;
    }
    return stats;
  }

  async close(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }

  private sweepOne(contextId: string, retain: number): Promise<SweepReply> {
    return this.client.contextSweep(...scriptKeys(contextRedisKeys(this.prefix, contextId)), retain);
  }

  /** Each context id once per scan, whichever of its parts SCAN meets first (an orphan may lack its head). */
  private async *contextIds(): AsyncGenerator<string> {
    const seen = new Set<string>();
    const pattern = `${escapeGlob(this.prefix)}{*}:*`;
    let cursor = '0';
    do {
      const [next, keys] = await this.client.scan(cursor, 'MATCH', pattern, 'COUNT', this.options.scanCount ?? 500);
      cursor = next;
      for (const key of keys) {
        const id = contextIdOf(this.prefix, key);
        if (id !== undefined && !seen.has(id)) {
          seen.add(id);
          yield id;
        }
      }
    } while (cursor !== '0');
  }
}

function contextIdOf(prefix: string, key: string): string | undefined {
  if (!key.startsWith(`${prefix}{`)) return undefined;
  const end = key.lastIndexOf('}:');
  return end > prefix.length ? key.slice(prefix.length + 1, end) : undefined;
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
