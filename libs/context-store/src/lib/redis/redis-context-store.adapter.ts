import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import type { RedisOptions } from 'ioredis';
import { ContextStoreErrorCode, ContextStoreException } from '../errors/context-store.exception';
import type {
  ContextPage, ContextStore, ContextValue, ContextWatch, ContextWatchListener, DeleteOptions, DeleteResult,
  ListOptions, PatchOptions, PatchResult, PutOptions, WatchStart, WriteConditions, WriteResult,
} from '../port/context-store.port';
import type { ContextWriteNote } from '../port/context-change';
import type { JsonValue } from '../port/json-value';
import {
  encodeValue, pageSize, ttlMilliseconds, validateConditions, validateContextId, validateKey, validateWatchStart,
} from '../shared/context-input.validator';
import { type ContextLimits, limitErrors, resolveContextLimits } from '../shared/context-limits';
import { applyMergePatch } from '../shared/json-merge-patch';
import { listCursor } from '../shared/list-cursor';
import { revisionConflict } from '../shared/revision-conflict';
import { type ContextRedis, openContextRedis, redactRedisUrl, type WriteOutcome } from './context-redis.connection';
import { changeFeedChannel, contextRedisKeys, DEFAULT_CONTEXT_KEY_PREFIX, scriptKeys } from './context-redis-keys';
import { RedisChangeFeed } from './redis-change-feed';
import { pageRange } from './page-range';
import { RedisContextWatch } from './redis-context.watch';

export interface RedisContextStoreOptions {
  url: string;
  limits?: Partial<ContextLimits>;
  /** Prefix of every key (default `pimcp:v1:ctx:`). */
  keyPrefix?: string;
  /** How long one watch read blocks (default 1000 ms); an idle watcher notices an expired context this often. */
  watchBlockMs?: number;
  /** Compare-and-set attempts of one patch under contention (default 100). */
  patchAttempts?: number;
  /** ioredis options, e.g. TLS; applied to every connection. */
  redis?: RedisOptions;
}

type WriteOp = { op: 'put'; json: string } | { op: 'del' };

/**
 * Contexts in Redis, shared by every node (docs/adr/0009-context-store.md). Each write is one Lua script; each
 * watch has its own blocking connection. Connects lazily; a command that fails for lack of Redis is
 * CONTEXT_STORE_UNAVAILABLE (STORE_UNAVAILABLE on the wire, retryable).
 */
export class RedisContextStore implements ContextStore {
  private readonly logger = new Logger(RedisContextStore.name);
  private readonly limits: ContextLimits;
  private readonly prefix: string;
  private readonly blockMs: number;
  private readonly patchAttempts: number;
  private readonly watches = new Set<RedisContextWatch>();
  private client: ContextRedis | undefined;
  private feed: RedisChangeFeed | undefined;
  private closed = false;

  constructor(private readonly options: RedisContextStoreOptions) {
    this.limits = resolveContextLimits(options.limits);
    this.prefix = options.keyPrefix ?? DEFAULT_CONTEXT_KEY_PREFIX;
    this.blockMs = options.watchBlockMs ?? 1000;
    this.patchAttempts = options.patchAttempts ?? 100;
    // A brace in the prefix would become the Cluster hash tag instead of {contextId}, scattering a context's keys.
    if (/[{}]/.test(this.prefix)) throw invalidOption(`keyPrefix must not contain { or }, got "${this.prefix}"`);
    if (!Number.isSafeInteger(this.blockMs) || this.blockMs < 1) throw invalidOption(`watchBlockMs must be a positive integer, got ${this.blockMs}`);
    if (!Number.isSafeInteger(this.patchAttempts) || this.patchAttempts < 1) {
      throw invalidOption(`patchAttempts must be a positive integer, got ${this.patchAttempts}`);
    }
  }

  async get(contextId: string, key: string): Promise<ContextValue | undefined> {
    validateContextId(contextId);
    validateKey(key);
    const keys = contextRedisKeys(this.prefix, contextId);
    // One MULTI, so the value and its revision come from the same write.
    const [json, revision] = await this.run(async (r) => {
      const replies = await r.multi().hget(keys.values, key).hget(keys.revs, key).exec();
      return (replies ?? []).map(([error, result]) => {
        if (error) throw error;
        return result as string | null;
      });
    });
    return typeof json === 'string' ? { value: JSON.parse(json) as JsonValue, revision: Number(revision) } : undefined;
  }

  async list(contextId: string, options: ListOptions = {}): Promise<ContextPage> {
    validateContextId(contextId);
    const limit = pageSize(options);
    const after = listCursor.decode(options.cursor);
    const keys = contextRedisKeys(this.prefix, contextId);
    const { min, max } = pageRange(options.prefix ?? '', after);
    const [revision, found, values, revs] = await this.run((r) =>
      r.contextReadPage(keys.meta, keys.values, keys.revs, keys.index, min, max, limit + 1));
    const entries = found.slice(0, limit).map((key, i) => ({
      key, value: JSON.parse(values[i] as string) as JsonValue, revision: Number(revs[i]),
    }));
    const last = entries[entries.length - 1];
    return { entries, revision: Number(revision), ...(found.length > limit && last ? { cursor: listCursor.encode(last.key) } : {}) };
  }

  async put(contextId: string, key: string, value: JsonValue, options: PutOptions = {}): Promise<WriteResult> {
    this.checkWrite(contextId, key, options);
    const json = this.encode(contextId, key, value);
    const [outcome, number] = await this.write(contextId, key, { op: 'put', json }, options);
    return { revision: this.settle(contextId, key, options, outcome, number), ...(outcome === 'superseded' ? { superseded: true as const } : {}) };
  }

  /**
   * Merge patches are applied here, not in Lua: Redis's cjson turns `[]` into `{}` and rounds numbers to 14
   * digits. Instead: read, merge, write with expectedRevision = what was read; on a lost race read again.
   */
  async patch(contextId: string, key: string, mergePatch: JsonValue, options: PatchOptions = {}): Promise<PatchResult> {
    this.checkWrite(contextId, key, options);
    encodeValue(mergePatch, `the merge patch for key "${key}" in context "${contextId}"`);
    for (let attempt = 1; ; attempt++) {
      const current = await this.get(contextId, key);
      const read = current?.revision ?? 0;
      if (options.expectedRevision !== undefined && options.expectedRevision !== read) {
        throw revisionConflict.key(contextId, key, options.expectedRevision, read);
      }
      const value = applyMergePatch(current?.value, mergePatch);
      const json = this.encode(contextId, key, value);
      const [outcome, number] = await this.write(contextId, key, { op: 'put', json }, { ...options, expectedRevision: read });
      if (outcome === 'key-conflict' && options.expectedRevision === undefined && attempt < this.patchAttempts) {
        await sleep(Math.random() * Math.min(2 ** attempt, 50));
        continue;
      }
      if (outcome === 'key-conflict' && options.expectedRevision === undefined) {
        throw new ContextStoreException(ContextStoreErrorCode.RevisionConflict,
          `patch of key "${key}" in context "${contextId}" lost the race ${attempt} times in a row; `
          + 'retry later, or raise patchAttempts');
      }
      const revision = this.settle(contextId, key, { ...options, expectedRevision: read }, outcome, number);
      return outcome === 'superseded' ? { revision, value: current?.value ?? null, superseded: true } : { revision, value };
    }
  }

  async delete(contextId: string, key: string, options: DeleteOptions = {}): Promise<DeleteResult> {
    this.checkWrite(contextId, key, options);
    const [outcome, number] = await this.write(contextId, key, { op: 'del' }, options);
    if (outcome === 'noop') return { revision: number, deleted: false };
    if (outcome === 'superseded') return { revision: number, deleted: false, superseded: true };
    return { revision: this.settle(contextId, key, options, outcome, number), deleted: true };
  }

  async expire(contextId: string, ttlSeconds: number): Promise<boolean> {
    validateContextId(contextId);
    const ttlMs = ttlMilliseconds(ttlSeconds);
    const keys = scriptKeys(contextRedisKeys(this.prefix, contextId));
    return (await this.run((r) => r.contextExpire(...keys, ttlMs))) === 1;
  }

  async watch(contextId: string, from: WatchStart, listener: ContextWatchListener): Promise<ContextWatch> {
    validateContextId(contextId);
    validateWatchStart(from);
    this.assertOpen();
    // Re-sending an unanswered read is harmless, and the watch bounds each blocking read itself.
    const client = this.connect({
      ...this.options.redis, maxRetriesPerRequest: 1, autoResendUnfulfilledCommands: true, commandTimeout: undefined,
    });
    try {
      const watch = await RedisContextWatch.start({
        contextId, keys: contextRedisKeys(this.prefix, contextId), client, blockMs: this.blockMs, logger: this.logger,
        onClose: (closed) => this.watches.delete(closed),
      }, from, listener);
      this.watches.add(watch);
      // close() may have run while this watch was starting, and would have missed it.
      if (this.closed) await watch.fail(new ContextStoreException(ContextStoreErrorCode.Closed, 'the context store was closed'));
      return watch;
    } catch (error) {
      throw this.unavailable(error);
    }
  }

  async onWrite(listener: (note: ContextWriteNote) => void): Promise<() => Promise<void>> {
    this.assertOpen();
    this.feed ??= new RedisChangeFeed(this.connect({ ...this.options.redis, maxRetriesPerRequest: null }), changeFeedChannel(this.prefix), this.logger);
    try {
      return await this.feed.add(listener);
    } catch (error) {
      throw this.unavailable(error);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.feed?.close();
    const error = new ContextStoreException(ContextStoreErrorCode.Closed, 'the context store was closed');
    await Promise.all([...this.watches].map((watch) => watch.fail(error)));
    const client = this.client;
    this.client = undefined;
    if (client) await client.quit().catch(() => client.disconnect());
  }

  private write(contextId: string, key: string, change: WriteOp, options: PutOptions): Promise<[WriteOutcome, number]> {
    const keys = scriptKeys(contextRedisKeys(this.prefix, contextId));
    const optional = (value: number | undefined) => (value === undefined ? '' : value);
    return this.run((r) => r.contextWrite(...keys,
      change.op, key, change.op === 'put' ? change.json : '',
      optional(options.expectedRevision), optional(options.expectedContextRevision),
      optional(options.ttlSeconds === undefined ? undefined : ttlMilliseconds(options.ttlSeconds)),
      this.limits.maxContextBytes, this.limits.maxKeys, this.limits.historyLength,
      // Used only if this write creates the context: tells its new life apart from an expired one.
      randomUUID(), changeFeedChannel(this.prefix), contextId, options.clock ?? '', options.lastWriterWins ? '1' : ''), 'write');
  }

  /** The revision of a write that went through, or the error the script's answer stands for. */
  private settle(contextId: string, key: string, conditions: WriteConditions, outcome: WriteOutcome, number: number): number {
    switch (outcome) {
      case 'ok':
      case 'noop':
      case 'superseded':
        return number;
      case 'key-conflict':
        throw revisionConflict.key(contextId, key, conditions.expectedRevision ?? 0, number);
      case 'context-conflict':
        throw revisionConflict.context(contextId, conditions.expectedContextRevision ?? 0, number);
      case 'too-many-keys':
        throw limitErrors.tooManyKeys(contextId, this.limits.maxKeys);
      case 'too-large':
        throw limitErrors.contextTooLarge(contextId, number, this.limits.maxContextBytes);
    }
  }

  private encode(contextId: string, key: string, value: unknown): string {
    const { json, bytes } = encodeValue(value, `the value of key "${key}" in context "${contextId}"`);
    if (bytes > this.limits.maxValueBytes) throw limitErrors.valueTooLarge(contextId, key, bytes, this.limits.maxValueBytes);
    return json;
  }

  private checkWrite(contextId: string, key: string, options: PutOptions): void {
    validateContextId(contextId);
    validateKey(key);
    validateConditions(options);
    if (options.ttlSeconds !== undefined) ttlMilliseconds(options.ttlSeconds);
  }

  /** Connects lazily; a command that fails for lack of Redis is CONTEXT_STORE_UNAVAILABLE, which is retryable. */
  private async run<T>(command: (redis: ContextRedis) => Promise<T>, kind: 'read' | 'write' = 'read'): Promise<T> {
    this.assertOpen();
    this.client ??= this.connect({
      // Never re-send a write whose answer was lost with the connection: it may have been applied, and a second
      // copy would be a second revision. Such a call fails (UNAVAILABLE, outcome unknown) within commandTimeout.
      autoResendUnfulfilledCommands: false,
      commandTimeout: 5000,
      ...this.options.redis,
    });
    try {
      return await command(this.client);
    } catch (error) {
      throw this.unavailable(error, kind);
    }
  }

  private connect(options: RedisOptions): ContextRedis {
    return openContextRedis(this.options.url, options, this.logger);
  }

  private unavailable(error: unknown, kind: 'read' | 'write' = 'read'): Error {
    if (error instanceof ContextStoreException) return error;
    const outcome = kind === 'write' ? ' (the write may or may not have been applied: read before retrying)' : '';
    return new ContextStoreException(ContextStoreErrorCode.Unavailable,
      `Redis at ${redactRedisUrl(this.options.url)} failed: ${(error as Error).message}${outcome}; check PIMCP_REDIS_URL`,
      { cause: error });
  }

  private assertOpen(): void {
    if (this.closed) throw new ContextStoreException(ContextStoreErrorCode.Closed, 'the context store was closed; create a new one');
  }
}

function invalidOption(message: string): ContextStoreException {
  return new ContextStoreException(ContextStoreErrorCode.InvalidOption, message);
}
