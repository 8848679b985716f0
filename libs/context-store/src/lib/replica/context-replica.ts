import { ContextStoreErrorCode, ContextStoreException } from '../errors/context-store.exception';
import type { ContextChange } from '../port/context-change';
import type {
  ContextPage, ContextStore, ContextValue, ContextWatch, DeleteOptions, DeleteResult, ListOptions, PatchOptions,
  PatchResult, PutOptions, WriteResult,
} from '../port/context-store.port';
import type { JsonValue } from '../port/json-value';
import { ContextDocument } from '../shared/context-document';
import { pageSize, validateContextId, validateKey } from '../shared/context-input.validator';
import { listCursor } from '../shared/list-cursor';
import { RevisionWaiters } from './revision-waiters';

export interface ContextReplicaOptions {
  /** How long a write through the replica waits for the replica to apply it (default 5000 ms). */
  applyTimeoutMs?: number;
}

/**
 * One context held in this process, fed by the store's watch, so reads on a node are local: no network and no
 * await. Writes go to the store and resolve only once this replica has applied them, so the writer always reads
 * its own writes here. Other nodes' writes show up as fast as the watch delivers them.
 */
export class ContextReplica {
  private readonly doc = new ContextDocument();
  private readonly waiters = new RevisionWaiters();
  private readonly listeners = new Set<(change: ContextChange) => void>();
  private readonly applyTimeoutMs: number;
  private watch: ContextWatch | undefined;
  private failure: Error | undefined;

  private constructor(
    private readonly store: ContextStore,
    readonly contextId: string,
    options: ContextReplicaOptions,
  ) {
    this.applyTimeoutMs = options.applyTimeoutMs ?? 5000;
  }

  /** Loads the context's current state and follows its changes; resolves once the state is loaded. */
  static async open(store: ContextStore, contextId: string, options: ContextReplicaOptions = {}): Promise<ContextReplica> {
    validateContextId(contextId);
    const replica = new ContextReplica(store, contextId, options);
    let loaded: (() => void) | undefined;
    let failed: ((error: Error) => void) | undefined;
    const ready = new Promise<void>((resolve, reject) => {
      loaded = resolve;
      failed = reject;
    });
    replica.watch = await store.watch(contextId, 'snapshot', {
      onChange: (change) => {
        replica.apply(change);
        if (change.type === 'reset') loaded?.();
      },
      onError: (error) => {
        replica.fail(error);
        failed?.(error);
      },
    });
    await ready;
    return replica;
  }

  /** The context revision this replica has applied. */
  get revision(): number {
    return this.doc.revision;
  }

  get(key: string): ContextValue | undefined {
    validateKey(key);
    return this.doc.get(key);
  }

  list(options: ListOptions = {}): ContextPage {
    return this.doc.page({ prefix: options.prefix, limit: pageSize(options), after: listCursor.decode(options.cursor) });
  }

  async put(key: string, value: JsonValue, options?: PutOptions): Promise<WriteResult> {
    return this.applied(await this.writable().put(this.contextId, key, value, options));
  }

  async patch(key: string, mergePatch: JsonValue, options?: PatchOptions): Promise<PatchResult> {
    return this.applied(await this.writable().patch(this.contextId, key, mergePatch, options));
  }

  async delete(key: string, options?: DeleteOptions): Promise<DeleteResult> {
    return this.applied(await this.writable().delete(this.contextId, key, options));
  }

  async expire(ttlSeconds: number): Promise<boolean> {
    return this.writable().expire(this.contextId, ttlSeconds);
  }

  /** Resolves once this replica has applied `revision`; CONTEXT_REPLICA_TIMEOUT otherwise. */
  waitForRevision(revision: number, timeoutMs = this.applyTimeoutMs): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return this.waiters.wait(this.contextId, revision, timeoutMs, () => this.doc.revision);
  }

  /** Called after each applied change (resets included); returns the unsubscribe function. */
  onChange(listener: (change: ContextChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.fail(new ContextStoreException(ContextStoreErrorCode.Closed, `the replica of context "${this.contextId}" was closed`));
    await this.watch?.close();
  }

  private async applied<T extends { revision: number }>(result: T): Promise<T> {
    await this.waitForRevision(result.revision);
    return result;
  }

  private apply(change: ContextChange): void {
    this.doc.apply(change);
    this.waiters.release(this.doc.revision);
    for (const listener of this.listeners) listener(change);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.waiters.rejectAll(this.failure);
  }

  private writable(): ContextStore {
    if (this.failure) throw this.failure;
    return this.store;
  }
}
