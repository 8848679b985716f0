import { ContextReplica, type ContextStore, type JsonValue } from '@pimcp/context-store';
import type { ContextHandle } from '@pimcp/plugin-sdk';

export interface NodeContextsOptions {
  /** Contexts held as local replicas at once; the least recently used one is closed past this (each follows a watch). */
  maxReplicas: number;
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
      get: async (key) => (await replica()).get(key),
      list: async (options) => (await replica()).list(options),
      put: async (key, value, options) => (await replica()).put(key, value as JsonValue, options),
      patch: async (key, mergePatch) => (await replica()).patch(key, mergePatch as JsonValue),
      delete: async (key, options) => (await replica()).delete(key, options),
    };
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
