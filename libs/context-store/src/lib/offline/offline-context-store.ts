import { Logger } from '@nestjs/common';
import { ContextStoreErrorCode, ContextStoreException } from '../errors/context-store.exception';
import type { ContextWriteNote } from '../port/context-change';
import type {
  ContextPage, ContextStore, ContextValue, ContextWatch, ContextWatchListener, DeleteOptions, DeleteResult, ListOptions,
  PatchOptions, PatchResult, PutOptions, WatchStart, WriteResult,
} from '../port/context-store.port';
import type { JsonValue } from '../port/json-value';
import type { ContextJournal, JournalEntry } from './context-journal';
import type { HybridLogicalClock } from './hybrid-logical-clock';

export interface OfflineContextStoreOptions {
  /** How often to try replaying the journal while offline (default 1000 ms). */
  retryIntervalMs?: number;
  /** Told about each journaled compare-and-set write that could not be replayed (the condition no longer held). */
  onReplayConflict?: (entry: JournalEntry, error: Error) => void;
}

export interface ReplayReport {
  applied: number;
  /** Blind writes a later write (by clock) had already overtaken: left out, as last-writer-wins says. */
  superseded: number;
  /** Compare-and-set writes whose condition no longer held: reported, not applied. */
  conflicts: number;
}

/**
 * An edge node's context store (docs/adr/0011): writes go to the shared store with this node's hybrid logical
 * clock; while the store is unreachable they go to a durable local journal instead and are replayed in order on
 * reconnect (blind writes last-writer-wins by clock, compare-and-set writes as such, failures reported). Reads
 * and watches go to the shared store; a node's replicas keep serving their last state meanwhile.
 */
export class OfflineContextStore implements ContextStore {
  private readonly logger = new Logger(OfflineContextStore.name);
  private retryTimer: NodeJS.Timeout | undefined;
  private replaying: Promise<void> | undefined;
  private lastReport: ReplayReport | undefined;
  private closed = false;

  constructor(
    private readonly inner: ContextStore,
    private readonly journal: ContextJournal,
    private readonly clock: HybridLogicalClock,
    private readonly options: OfflineContextStoreOptions = {},
  ) {
    for (const entry of journal.entries()) clock.observe(entry.clock);
    // Writes journaled before a restart go out as soon as the store answers.
    if (journal.size > 0) this.scheduleReplay(0);
  }

  /** False while writes are going to the journal. */
  get online(): boolean {
    return this.journal.size === 0;
  }

  get pendingWrites(): number {
    return this.journal.size;
  }

  get lastReplay(): ReplayReport | undefined {
    return this.lastReport;
  }

  /** The journaled writes of one context, oldest first, for a local view of a context while offline. */
  pendingFor(contextId: string): JournalEntry[] {
    return this.journal.entries().filter((entry) => entry.contextId === contextId);
  }

  get(contextId: string, key: string): Promise<ContextValue | undefined> {
    return this.inner.get(contextId, key);
  }

  list(contextId: string, options?: ListOptions): Promise<ContextPage> {
    return this.inner.list(contextId, options);
  }

  async put(contextId: string, key: string, value: JsonValue, options: PutOptions = {}): Promise<WriteResult> {
    return this.write({ op: 'put', contextId, key, value, ...conditionsOf(options), clock: this.clock.next() },
      (clock) => this.inner.put(contextId, key, value, { ...options, clock }), { revision: 0, pending: true });
  }

  async patch(contextId: string, key: string, mergePatch: JsonValue, options: PatchOptions = {}): Promise<PatchResult> {
    // The merged value of a journaled patch is known only once it is replayed; readers overlay it (pendingFor).
    return this.write({ op: 'patch', contextId, key, value: mergePatch, ...conditionsOf(options), clock: this.clock.next() },
      (clock) => this.inner.patch(contextId, key, mergePatch, { ...options, clock }), { revision: 0, value: null, pending: true });
  }

  async delete(contextId: string, key: string, options: DeleteOptions = {}): Promise<DeleteResult> {
    return this.write({ op: 'delete', contextId, key, ...conditionsOf(options), clock: this.clock.next() },
      (clock) => this.inner.delete(contextId, key, { ...options, clock }), { revision: 0, deleted: false, pending: true });
  }

  expire(contextId: string, ttlSeconds: number): Promise<boolean> {
    return this.inner.expire(contextId, ttlSeconds);
  }

  watch(contextId: string, from: WatchStart, listener: ContextWatchListener): Promise<ContextWatch> {
    return this.inner.watch(contextId, from, listener);
  }

  onWrite(listener: (note: ContextWriteNote) => void): Promise<() => Promise<void>> {
    return this.inner.onWrite(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    await this.replaying;
    this.journal.close();
    await this.inner.close();
  }

  /** Replays the journal now; resolves when done or when the store is still unreachable. */
  replay(): Promise<void> {
    this.replaying ??= this.replayJournal().finally(() => {
      this.replaying = undefined;
    });
    return this.replaying;
  }

  /**
   * Straight to the store while nothing is journaled (order is kept: a write never overtakes a journaled one);
   * to the journal when the store is unreachable or writes are already queued there.
   */
  private async write<T>(entry: JournalEntry, direct: (clock: string) => Promise<T>, pending: T): Promise<T> {
    if (this.journal.size === 0) {
      try {
        return await direct(entry.clock);
      } catch (error) {
        if (!isUnreachable(error)) throw error;
        this.logger.warn(`context store unreachable (${(error as Error).message}); journaling writes until it is back`);
      }
    }
    this.journal.append(entry);
    this.scheduleReplay(this.options.retryIntervalMs ?? 1000);
    return pending;
  }

  private async replayJournal(): Promise<void> {
    const report: ReplayReport = { applied: 0, superseded: 0, conflicts: 0 };
    let done = 0;
    try {
      for (const entry of this.journal.entries()) {
        const outcome = await this.apply(entry);
        report[outcome] += 1;
        done += 1;
      }
    } catch (error) {
      if (!isUnreachable(error)) throw error;
    } finally {
      this.journal.removeFirst(done);
      if (done > 0) {
        this.lastReport = report;
        this.logger.log(`replayed ${done} offline write(s): ${JSON.stringify(report)}; ${this.journal.size} left`);
      }
      if (this.journal.size > 0) this.scheduleReplay(this.options.retryIntervalMs ?? 1000);
    }
  }

  private async apply(entry: JournalEntry): Promise<keyof ReplayReport> {
    const cas = entry.expectedRevision !== undefined || entry.expectedContextRevision !== undefined;
    const options = { ...conditionsOf(entry), clock: entry.clock, ...(cas ? {} : { lastWriterWins: true }) };
    try {
      const result = entry.op === 'put' ? await this.inner.put(entry.contextId, entry.key, entry.value ?? null, options)
        : entry.op === 'patch' ? await this.inner.patch(entry.contextId, entry.key, entry.value ?? null, options)
          : await this.inner.delete(entry.contextId, entry.key, options);
      return result.superseded ? 'superseded' : 'applied';
    } catch (error) {
      if (isUnreachable(error)) throw error;
      // The condition no longer holds (or the write is no longer valid): it cannot be applied; say so, go on.
      this.logger.warn(`offline ${entry.op} of "${entry.key}" in context "${entry.contextId}" was not applied: ${(error as Error).message}`);
      this.options.onReplayConflict?.(entry, error as Error);
      return 'conflicts';
    }
  }

  private scheduleReplay(delayMs: number): void {
    if (this.closed || this.retryTimer !== undefined) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.replay().catch((error: Error) => this.logger.error(`offline replay failed: ${error.message}`));
    }, delayMs);
    this.retryTimer.unref();
  }
}

function conditionsOf(options: { expectedRevision?: number; expectedContextRevision?: number; ttlSeconds?: number }) {
  return {
    ...(options.expectedRevision !== undefined ? { expectedRevision: options.expectedRevision } : {}),
    ...(options.expectedContextRevision !== undefined ? { expectedContextRevision: options.expectedContextRevision } : {}),
    ...(options.ttlSeconds !== undefined ? { ttlSeconds: options.ttlSeconds } : {}),
  };
}

function isUnreachable(error: unknown): boolean {
  return ContextStoreException.is(error, ContextStoreErrorCode.Unavailable);
}
