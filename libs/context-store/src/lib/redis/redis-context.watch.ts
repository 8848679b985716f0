/**
 * One watcher of a Redis context: XREAD BLOCK on the context's stream from the last delivered revision, on its
 * own connection. The position only moves after a delivery, so a reconnect (or a Redis restart with AOF) resumes
 * exactly there: nothing is missed or repeated. Gaps and foreign epochs turn into a reset with a fresh snapshot.
 */
import type { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import type { ContextResetReason } from '../port/context-change';
import type { ContextWatch, ContextWatchListener, WatchStart } from '../port/context-store.port';
import { deliverChange } from '../shared/watch-listener.guard';
import { readContextSnapshot } from './context-snapshot.reader';
import type { ContextRedisKeys } from './context-redis-keys';
import { decodeStreamEntry } from './stream-entry.codec';

export interface RedisContextWatchOptions {
  contextId: string;
  keys: ContextRedisKeys;
  /** A dedicated connection; the watch closes it. */
  client: Redis;
  /** How long one XREAD blocks; an idle watcher checks for expiry this often. */
  blockMs: number;
  /** Silence beyond blockMs after which the connection counts as dead (default 3000 ms). */
  deadConnectionMarginMs?: number;
  logger: Logger;
  onClose: (watch: RedisContextWatch) => void;
}

const BATCH = 100;
const BACKOFF_FIRST_MS = 50;
const BACKOFF_MAX_MS = 2000;
const DEFAULT_DEAD_CONNECTION_MARGIN_MS = 3000;

export class RedisContextWatch implements ContextWatch {
  /** Which life of the context the position belongs to; undefined while the context does not exist. */
  private epoch: string | undefined;
  /** The last revision delivered. */
  private revision = 0;
  private closed = false;
  private following: Promise<void> = Promise.resolve();
  private wake: (() => void) | undefined;

  private constructor(
    private readonly options: RedisContextWatchOptions,
    private readonly listener: ContextWatchListener,
  ) {}

  /** Resolves once the start position is known (a `snapshot` start has been delivered); rejects if Redis is down. */
  static async start(options: RedisContextWatchOptions, from: WatchStart, listener: ContextWatchListener): Promise<RedisContextWatch> {
    const watch = new RedisContextWatch(options, listener);
    try {
      await watch.begin(from);
    } catch (error) {
      await watch.close();
      throw error;
    }
    watch.following = watch.follow();
    return watch;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wake?.();
    this.options.client.disconnect();
    await this.following;
    this.options.onClose(this);
  }

  /** Ends the watch and tells the listener why; nothing is delivered after it. */
  async fail(error: Error): Promise<void> {
    if (this.closed) return;
    await this.close();
    this.listener.onError?.(error);
  }

  private async begin(from: WatchStart): Promise<void> {
    if (from === 'snapshot') return this.resync('snapshot');
    const [revision, epoch] = await this.options.client.hmget(this.options.keys.meta, 'rev', 'epoch');
    if (from > Number(revision ?? 0)) return this.resync('expired');
    this.revision = from;
    this.epoch = epoch ?? undefined;
  }

  private async follow(): Promise<void> {
    let failures = 0;
    while (!this.closed) {
      try {
        await this.step();
        if (failures > 0) this.options.logger.log(`watch of context "${this.options.contextId}" reconnected at revision ${this.revision}`);
        failures = 0;
      } catch (error) {
        if (this.closed) return;
        failures += 1;
        if (failures === 1) {
          this.options.logger.warn(`watch of context "${this.options.contextId}" lost Redis (${(error as Error).message}); `
            + `resuming after revision ${this.revision} once it is back`);
        }
        await this.pause(Math.min(BACKOFF_FIRST_MS * 2 ** (failures - 1), BACKOFF_MAX_MS));
      }
    }
  }

  private async step(): Promise<void> {
    const { client, keys, contextId, blockMs } = this.options;
    const reply = await this.guarded(client.xread('COUNT', BATCH, 'BLOCK', blockMs, 'STREAMS', keys.log, `${this.revision}-0`));
    if (this.closed) return;
    if (!reply) return this.checkEpoch();
    for (const [id, fields] of reply[0]?.[1] ?? []) {
      if (this.closed) return;
      const { epoch, change } = decodeStreamEntry(contextId, id, fields);
      if (this.epoch !== undefined && epoch !== this.epoch) return this.resync('expired');
      if (change.revision !== this.revision + 1) return this.resync('trimmed');
      this.epoch = epoch;
      this.revision = change.revision;
      deliverChange(this.listener, change);
    }
  }

  /**
   * A context that expired and came back writes its revisions from 1 into a new stream, below this watcher's
   * position, so XREAD alone would never return them: compare the epoch whenever a read comes back empty.
   */
  private async checkEpoch(): Promise<void> {
    if (this.epoch === undefined) return;
    const current = await this.options.client.hget(this.options.keys.meta, 'epoch');
    if (current !== this.epoch) await this.resync('expired');
  }

  private async resync(reason: ContextResetReason): Promise<void> {
    const snapshot = await readContextSnapshot(this.options.client, this.options.keys);
    if (this.closed) return;
    this.epoch = snapshot.epoch;
    this.revision = snapshot.revision;
    deliverChange(this.listener, {
      type: 'reset', contextId: this.options.contextId, reason, entries: snapshot.entries, revision: snapshot.revision,
    });
  }

  /**
   * A blocking read answers within its block time, so silence beyond that means a dead connection that TCP has not
   * noticed (e.g. a NAT dropped it): reconnect instead of waiting forever. (ioredis' socketTimeout would do this
   * but leaves its timer running after disconnect, which holds the process open.)
   */
  private async guarded<T>(read: Promise<T>): Promise<T> {
    const limitMs = this.options.blockMs + (this.options.deadConnectionMarginMs ?? DEFAULT_DEAD_CONNECTION_MARGIN_MS);
    let timer: NodeJS.Timeout | undefined;
    const silence = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.options.client.disconnect(true);
        reject(new Error(`no answer to a blocking read within ${limitMs} ms`));
      }, limitMs);
    });
    read.catch(() => undefined);
    try {
      return await Promise.race([read, silence]);
    } finally {
      clearTimeout(timer);
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
