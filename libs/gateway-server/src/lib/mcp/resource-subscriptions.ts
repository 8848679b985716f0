import type { Server } from '@modelcontextprotocol/server';

/** Most URIs one session may subscribe to; more is refused rather than grown without bound. */
export const MAX_SUBSCRIPTIONS_PER_SESSION = 256;

/**
 * What each legacy session subscribed to with resources/subscribe, keyed by its Server instance (one per session),
 * so the entry goes with the session. 2026-07-28 clients subscribe on subscriptions/listen, which the SDK tracks.
 */
export class ResourceSubscriptions {
  private readonly byServer = new WeakMap<Server, Set<string>>();

  add(server: Server, uri: string): boolean {
    let uris = this.byServer.get(server);
    if (!uris) this.byServer.set(server, (uris = new Set()));
    if (!uris.has(uri) && uris.size >= MAX_SUBSCRIPTIONS_PER_SESSION) return false;
    uris.add(uri);
    return true;
  }

  remove(server: Server, uri: string): void {
    this.byServer.get(server)?.delete(uri);
  }

  has(server: Server, uri: string): boolean {
    return this.byServer.get(server)?.has(uri) ?? false;
  }
}
