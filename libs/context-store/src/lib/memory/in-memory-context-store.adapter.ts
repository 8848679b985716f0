import { ContextStoreErrorCode, ContextStoreException } from '../errors/context-store.exception';
import type { ContextChange, ContextWriteNote } from '../port/context-change';
import type {
  ContextPage, ContextStore, ContextValue, ContextWatch, ContextWatchListener, DeleteOptions, DeleteResult,
  ListOptions, PatchOptions, PatchResult, PutOptions, WatchStart, WriteConditions, WriteResult,
} from '../port/context-store.port';
import type { JsonValue } from '../port/json-value';
import type { ContextStats, SweepOptions, SweepReport } from '../maintenance/context-maintenance.port';
import { ContextDocument, entrySize } from '../shared/context-document';
import {
  encodeValue, pageSize, ttlMilliseconds, validateConditions, validateContextId, validateKey, validateWatchStart,
} from '../shared/context-input.validator';
import { type ContextLimits, limitErrors, resolveContextLimits } from '../shared/context-limits';
import { applyMergePatch } from '../shared/json-merge-patch';
import { listCursor } from '../shared/list-cursor';
import { storeClock } from '../shared/write-clock';
import { revisionConflict } from '../shared/revision-conflict';
import { InMemoryContextWatch } from './in-memory-context.watch';

export interface InMemoryContextStoreOptions {
  limits?: Partial<ContextLimits>;
}

interface LiveContext {
  doc: ContextDocument;
  /** The last `limits.historyLength` changes, for watchers that start behind. */
  history: ContextChange[];
  expiresAt?: number;
  timer?: NodeJS.Timeout;
  /** The clock of each key's last write; deleted keys keep theirs as a tombstone. */
  clocks: Map<string, string>;
}

/**
 * Contexts in this process only: the single-machine default. Every call runs to completion in one turn of the
 * event loop, which is what makes its writes atomic.
 */
export class InMemoryContextStore implements ContextStore {
  private readonly contexts = new Map<string, LiveContext>();
  private readonly watchers = new Map<string, Set<InMemoryContextWatch>>();
  private readonly writeListeners = new Set<(note: ContextWriteNote) => void>();
  private readonly limits: ContextLimits;
  private closed = false;

  constructor(options: InMemoryContextStoreOptions = {}) {
    this.limits = resolveContextLimits(options.limits);
  }

  async get(contextId: string, key: string): Promise<ContextValue | undefined> {
    this.assertOpen();
    validateContextId(contextId);
    validateKey(key);
    return this.live(contextId)?.doc.get(key);
  }

  async list(contextId: string, options: ListOptions = {}): Promise<ContextPage> {
    this.assertOpen();
    validateContextId(contextId);
    const limit = pageSize(options);
    const after = listCursor.decode(options.cursor);
    const context = this.live(contextId);
    return context ? context.doc.page({ prefix: options.prefix, limit, after }) : { entries: [], revision: 0 };
  }

  async put(contextId: string, key: string, value: JsonValue, options: PutOptions = {}): Promise<WriteResult> {
    this.assertWrite(contextId, key, options);
    const { json } = this.encode(contextId, key, value);
    const superseded = this.superseded(contextId, key, options);
    if (superseded !== undefined) return { revision: superseded, superseded: true };
    return { revision: this.write(contextId, key, json, options) };
  }

  async patch(contextId: string, key: string, mergePatch: JsonValue, options: PatchOptions = {}): Promise<PatchResult> {
    this.assertWrite(contextId, key, options);
    encodeValue(mergePatch, `the merge patch for key "${key}" in context "${contextId}"`);
    const current = this.live(contextId)?.doc.get(key)?.value;
    const superseded = this.superseded(contextId, key, options);
    if (superseded !== undefined) return { revision: superseded, value: current ?? null, superseded: true };
    const value = applyMergePatch(current, mergePatch);
    const { json } = this.encode(contextId, key, value);
    return { revision: this.write(contextId, key, json, options), value };
  }

  async delete(contextId: string, key: string, options: DeleteOptions = {}): Promise<DeleteResult> {
    this.assertWrite(contextId, key, options);
    const context = this.live(contextId);
    this.checkConditions(contextId, key, context, options);
    if (!context || !context.doc.has(key)) return { revision: context?.doc.revision ?? 0, deleted: false };
    const superseded = this.superseded(contextId, key, options);
    if (superseded !== undefined) return { revision: superseded, deleted: false, superseded: true };
    const revision = context.doc.revision + 1;
    context.doc.remove(key, revision);
    context.clocks.set(key, options.clock ?? storeClock('~memory'));
    this.record(contextId, context, { type: 'delete', contextId, key, revision, writtenAt: Date.now() });
    return { revision, deleted: true };
  }

  async expire(contextId: string, ttlSeconds: number): Promise<boolean> {
    this.assertOpen();
    validateContextId(contextId);
    const ttlMs = ttlMilliseconds(ttlSeconds);
    const context = this.live(contextId);
    if (!context) return false;
    this.setExpiry(contextId, context, ttlMs);
    return true;
  }

  async watch(contextId: string, from: WatchStart, listener: ContextWatchListener): Promise<ContextWatch> {
    this.assertOpen();
    validateContextId(contextId);
    validateWatchStart(from);
    const watchers = this.watchers.get(contextId) ?? new Set<InMemoryContextWatch>();
    this.watchers.set(contextId, watchers);
    const watch = new InMemoryContextWatch(listener, (closed) => {
      watchers.delete(closed);
      if (watchers.size === 0) this.watchers.delete(contextId);
    });
    for (const change of this.catchUp(contextId, from)) watch.push(change);
    watchers.add(watch);
    return watch;
  }

  /** Housekeeping, as the Redis maintenance does it: compacts each history to `retainChanges`. */
  sweep(options: SweepOptions): SweepReport {
    const started = Date.now();
    let contexts = 0;
    let trimmedEntries = 0;
    for (const [id] of this.contexts) {
      const context = this.live(id);
      if (!context) continue;
      contexts += 1;
      const excess = context.history.length - options.retainChanges;
      if (excess > 0) {
        context.history.splice(0, excess);
        trimmedEntries += excess;
      }
    }
    return { contexts, trimmedEntries, orphanKeysRemoved: 0, ttlRepaired: 0, durationMs: Date.now() - started };
  }

  stats(): ContextStats {
    const stats: ContextStats = { contexts: 0, keys: 0, historyEntries: 0, bytes: 0, expiring: 0 };
    for (const [id] of this.contexts) {
      const context = this.live(id);
      if (!context) continue;
      stats.contexts += 1;
      stats.keys += context.doc.keyCount;
      stats.historyEntries += context.history.length;
      stats.bytes += context.doc.bytes;
      if (context.expiresAt !== undefined) stats.expiring += 1;
    }
    return stats;
  }

  async onWrite(listener: (note: ContextWriteNote) => void): Promise<() => Promise<void>> {
    this.assertOpen();
    this.writeListeners.add(listener);
    return async () => {
      this.writeListeners.delete(listener);
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const context of this.contexts.values()) clearTimeout(context.timer);
    this.contexts.clear();
    const error = new ContextStoreException(ContextStoreErrorCode.Closed, 'the context store was closed');
    for (const watchers of this.watchers.values()) for (const watch of watchers) watch.fail(error);
  }

  /** What a new watcher gets before live changes: history after `from`, or a reset when that is not possible. */
  private catchUp(contextId: string, from: WatchStart): ContextChange[] {
    const context = this.live(contextId);
    const revision = context?.doc.revision ?? 0;
    const reset = (reason: 'snapshot' | 'trimmed' | 'expired'): ContextChange[] =>
      [{ type: 'reset', contextId, reason, entries: context?.doc.all() ?? [], revision }];
    if (from === 'snapshot') return reset('snapshot');
    if (from > revision) return reset('expired');
    if (from === revision) return [];
    const history = context?.history ?? [];
    if ((history[0]?.revision ?? Infinity) > from + 1) return reset('trimmed');
    return history.filter((change) => change.revision > from);
  }

  private write(contextId: string, key: string, json: string, options: PutOptions): number {
    const ttlMs = options.ttlSeconds === undefined ? undefined : ttlMilliseconds(options.ttlSeconds);
    const existing = this.live(contextId);
    this.checkConditions(contextId, key, existing, options);
    const doc = existing?.doc ?? new ContextDocument();
    if (!doc.has(key) && doc.keyCount >= this.limits.maxKeys) throw limitErrors.tooManyKeys(contextId, this.limits.maxKeys);
    const bytes = doc.bytes - doc.sizeOf(key) + entrySize(key, json);
    if (bytes > this.limits.maxContextBytes) throw limitErrors.contextTooLarge(contextId, bytes, this.limits.maxContextBytes);

    const context = existing ?? { doc, history: [], clocks: new Map<string, string>() };
    this.contexts.set(contextId, context);
    const revision = doc.revision + 1;
    doc.put(key, json, revision);
    context.clocks.set(key, options.clock ?? storeClock('~memory'));
    this.record(contextId, context, { type: 'put', contextId, key, value: JSON.parse(json) as JsonValue, revision, writtenAt: Date.now() });
    if (ttlMs !== undefined) this.setExpiry(contextId, context, ttlMs);
    return revision;
  }

  /** Last-writer-wins: the key's revision when a write with a later clock came first, else undefined. */
  private superseded(contextId: string, key: string, options: WriteConditions): number | undefined {
    const context = this.live(contextId);
    if (!options.lastWriterWins || options.clock === undefined || !context) return undefined;
    this.checkConditions(contextId, key, context, options);
    const last = context.clocks.get(key);
    return last !== undefined && last > options.clock ? (context.doc.revisionOf(key) ?? 0) : undefined;
  }

  private record(contextId: string, context: LiveContext, change: ContextChange): void {
    context.history.push(change);
    if (context.history.length > this.limits.historyLength) context.history.shift();
    for (const watch of this.watchers.get(contextId) ?? []) watch.push(change);
    if (change.type === 'reset') return;
    const note: ContextWriteNote = { contextId, key: change.key, revision: change.revision, type: change.type, writtenAt: change.writtenAt };
    // After the write's own turn, as a Redis subscriber would hear it; a throwing listener harms nobody else.
    for (const listener of this.writeListeners) queueMicrotask(() => {
      try {
        listener(note);
      } catch {
        // a notification listener's bug is its own
      }
    });
  }

  private checkConditions(contextId: string, key: string, context: LiveContext | undefined, conditions: WriteConditions): void {
    const keyRevision = context?.doc.revisionOf(key) ?? 0;
    if (conditions.expectedRevision !== undefined && conditions.expectedRevision !== keyRevision) {
      throw revisionConflict.key(contextId, key, conditions.expectedRevision, keyRevision);
    }
    const contextRevision = context?.doc.revision ?? 0;
    if (conditions.expectedContextRevision !== undefined && conditions.expectedContextRevision !== contextRevision) {
      throw revisionConflict.context(contextId, conditions.expectedContextRevision, contextRevision);
    }
  }

  private encode(contextId: string, key: string, value: unknown): { json: string } {
    const { json, bytes } = encodeValue(value, `the value of key "${key}" in context "${contextId}"`);
    if (bytes > this.limits.maxValueBytes) throw limitErrors.valueTooLarge(contextId, key, bytes, this.limits.maxValueBytes);
    return { json };
  }

  /** The context unless it has expired; an expired one is dropped here even if its timer has not fired yet. */
  private live(contextId: string): LiveContext | undefined {
    const context = this.contexts.get(contextId);
    if (context?.expiresAt !== undefined && context.expiresAt <= Date.now()) {
      this.drop(contextId, context);
      return undefined;
    }
    return context;
  }

  private setExpiry(contextId: string, context: LiveContext, ttlMs: number): void {
    clearTimeout(context.timer);
    context.expiresAt = Date.now() + ttlMs;
    // The timer tells watchers at once; live() covers reads that come first.
    context.timer = setTimeout(() => this.drop(contextId, context), ttlMs);
    context.timer.unref();
  }

  private drop(contextId: string, context: LiveContext): void {
    if (this.contexts.get(contextId) !== context) return;
    clearTimeout(context.timer);
    this.contexts.delete(contextId);
    const reset: ContextChange = { type: 'reset', contextId, reason: 'expired', entries: [], revision: 0 };
    for (const watch of this.watchers.get(contextId) ?? []) watch.push(reset);
  }

  private assertWrite(contextId: string, key: string, options: PutOptions): void {
    this.assertOpen();
    validateContextId(contextId);
    validateKey(key);
    validateConditions(options);
    if (options.ttlSeconds !== undefined) ttlMilliseconds(options.ttlSeconds);
  }

  private assertOpen(): void {
    if (this.closed) throw new ContextStoreException(ContextStoreErrorCode.Closed, 'the context store was closed; create a new one');
  }
}
