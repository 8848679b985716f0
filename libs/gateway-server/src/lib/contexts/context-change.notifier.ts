import type { ContextStore } from '@pimcp/context-store';
import { contextUri } from './context-uri';

/**
 * Turns the context store's change feed into MCP `notifications/resources/updated`: a write to key k of context c
 * updates `context://c` and `context://c/k`. Whoever delivers (the MCP endpoint) sends each only to subscribers.
 */
export async function followContextChanges(store: ContextStore, updated: (uri: string) => void): Promise<() => Promise<void>> {
  return store.onWrite((note) => {
    updated(contextUri(note.contextId));
    updated(contextUri(note.contextId, note.key));
  });
}
