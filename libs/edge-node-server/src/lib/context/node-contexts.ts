import { applyMergePatch, type ContextChange, ContextReplica, type ContextStore, type JsonValue, OfflineContextStore } from '@pimcp/context-store';
import type { ContextHandle } from '@pimcp/plugin-sdk';

export interface NodeContextsOptions {
  /** Contexts held as local replicas at once; the least recently used one is closed past this (each follows a watch). */
  maxReplicas: number;
  /** Called for every change a replica applies (the node's metrics measure the replication lag from it). */
  onChangeApplied?: (change: ContextChange) => void;
}

/**
 * The node's view of shared contexts (issue 5): one local replica per context in use, opened on first use and
 * kept for the next calls, so reads are local and writes are read-your-writes. Bounded: the least recently
 * used replica is closed when a new one would exceed `maxReplicas`.
 */
export class NodeContexts {
  /** Insertion order is recency: a used entry is moved to the end. */
  private readonly replicas = new Map<string, Promise<ContextReplica>>();

  constructor(private readonly store: ContextStore, private readonly options: NodeContextsOptions) {}

  get openCount(): number {
    return this.replicas.size;
  }

  handle(id: string): ContextHandle {
    const replica = () => this.replica(id);
    return {
      id,
      get: async (key) => this.read(await replica(), key),
      list: async (options) => (await replica()).list(options),
      put: async (key, value, options) => (await replica()).put(key, value as JsonValue, options),
      patch: async (key, mergePatch) => (await replica()).patch(key, mergePatch as JsonValue),
      delete: async (key, options) => (await replica()).delete(key, options),
    };
  }

  /**
   * The replica's value; while offline, with this node's journaled writes to the key on top and marked stale,
   * so a tool reads its own offline writes and knows the rest may be old.
   */
  private read(replica: ContextReplica, key: string) {
    const found = replica.get(key);
    if (!(this.store instanceof OfflineContextStore) || this.store.online) return found;
    let value: JsonValue | undefined = found?.value;
    let pending = false;
    for (const entry of this.store.pendingFor(replica.contextId)) {
      if (entry.key !== key) continue;
      pending = true;
      value = entry.op === 'delete' ? undefined : entry.op === 'put' ? (entry.value ?? null) : applyMergePatch(value, entry.value ?? null);
    }
    if (value === undefined) return undefined;
    return { value, revision: found?.revision ?? 0, stale: true as const, ...(pending ? { pending: true as const } : {}) };
  }

  async close(): Promise<void> {
    const open = [...this.replicas.values()];
    this.replicas.clear();
    await Promise.all(open.map((r) => r.then((replica) => replica.close(), () => undefined)));
  }

  private replica(id: string): Promise<ContextReplica> {
    const held = this.replicas.get(id);
    if (held) {
      this.replicas.delete(id);
      this.replicas.set(id, held);
      return held;
    }
    const opening = ContextReplica.open(this.store, id);
    const observe = this.options.onChangeApplied;
    // The first snapshot is applied inside open(), before this listener: it is a load, not replication.
    if (observe) void opening.then((replica) => replica.onChange(observe), () => undefined);
    // A failed open is not kept: the next call tries again (Redis may be back).
    opening.catch(() => {
      if (this.replicas.get(id) === opening) this.replicas.delete(id);
    });
    this.replicas.set(id, opening);
    this.evictBeyondLimit();
    return opening;
  }

  private evictBeyondLimit(): void {
    while (this.replicas.size > this.options.maxReplicas) {
      const [oldestId, oldest] = this.replicas.entries().next().value as [string, Promise<ContextReplica>];
      this.replicas.delete(oldestId);
      void oldest.then((replica) => replica.close(), () => undefined);
    }
  }
}
