import { ToolError } from '../tool-error';

/**
 * The shared context of a call (issue 5): a document of keys to JSON values that every node sees, named by the
 * caller through `_meta["io.pimcp/context"]` or, by default, one per client. Reads come from the node's local
 * replica; a write resolves once the replica holds it, so the writer reads its own writes.
 */
export interface ContextHandle {
  readonly id: string;
  /**
   * `stale`: this node cannot reach the shared store; the value is its last replica, with its own offline writes
   * on top (`pending`: one of them, not yet in the shared store).
   */
  get(key: string): Promise<{ value: unknown; revision: number; stale?: true; pending?: true } | undefined>;
  list(options?: { prefix?: string; limit?: number; cursor?: string }): Promise<{ entries: Array<{ key: string; value: unknown; revision: number }>; revision: number; cursor?: string }>;
  /** `expectedRevision`: compare-and-set on the key (0: must not exist); a lost race is CONTEXT_REVISION_CONFLICT. */
  /** `pending`: this node is offline; the write is journaled and replayed on reconnect (last-writer-wins by clock). */
  put(key: string, value: unknown, options?: { expectedRevision?: number; ttlSeconds?: number }): Promise<{ revision: number; pending?: true }>;
  /** JSON Merge Patch (RFC 7396) applied atomically. */
  patch(key: string, mergePatch: unknown): Promise<{ revision: number; value: unknown }>;
  delete(key: string, options?: { expectedRevision?: number }): Promise<{ revision: number; deleted: boolean }>;
}

/** For hosts without a context store: every use is a tool error the model can read. */
export function unavailableContext(id: string, reason: string): ContextHandle {
  const fail = async (): Promise<never> => {
    throw new ToolError(`the shared context "${id}" is not available on this node: ${reason}`);
  };
  return { id, get: fail, list: fail, put: fail, patch: fail, delete: fail };
}
