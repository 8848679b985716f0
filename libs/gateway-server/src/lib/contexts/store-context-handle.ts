import type { ContextStore, JsonValue } from '@pimcp/context-store';
import type { ContextHandle } from '@pimcp/plugin-sdk';

/** A ContextHandle straight over the store: the gateway reads seldom and has no replica to keep warm. */
export function storeContextHandle(store: ContextStore, id: string): ContextHandle {
  return {
    id,
    get: (key) => store.get(id, key),
    list: (options) => store.list(id, options),
    put: (key, value, options) => store.put(id, key, value as JsonValue, options),
    patch: (key, mergePatch) => store.patch(id, key, mergePatch as JsonValue),
    delete: (key, options) => store.delete(id, key, options),
  };
}
