import { NodeLinkClient, type NodeLinkClientOptions, type NodeLinkTarget } from './node-link.client';

export interface NodeLinkClientPoolOptions extends NodeLinkClientOptions {
  /** How often a node that left the registry is pinged while calls to it are in flight (default 1000 ms). */
  departedPingIntervalMs?: number;
  /** How long such a ping may take before the node counts as dead (default 2000 ms). */
  departedPingTimeoutMs?: number;
}

/**
 * One link per node, reused by every call to that node. When a node leaves the registry its link is
 * closed once idle; while calls are still in flight the node is pinged, so a node that is finishing
 * them (a graceful leave) keeps its link and one that died fails them at once (ADR 0005).
 */
export class NodeLinkClientPool {
  private readonly clients = new Map<string, NodeLinkClient>();
  private readonly departed = new Map<string, NodeJS.Timeout>();

  constructor(private readonly options: NodeLinkClientPoolOptions = {}) {}

  get size(): number {
    return this.clients.size;
  }

  /** The client for a node, created on first use. Throws NODE_UNAVAILABLE for an address it cannot dial. */
  get(target: NodeLinkTarget): NodeLinkClient {
    const key = keyOf(target);
    this.stopWatching(key); // a node that came back at the same address keeps its link
    let client = this.clients.get(key);
    if (!client) {
      client = new NodeLinkClient(target, this.options);
      this.clients.set(key, client);
    }
    return client;
  }

  /** Closes a node's link at once; calls still on it fail with NODE_UNAVAILABLE. */
  forget(target: NodeLinkTarget, reason?: string): void {
    const key = keyOf(target);
    this.stopWatching(key);
    this.clients.get(key)?.close(reason);
    this.clients.delete(key);
  }

  /**
   * Lets go of every node not in `live` (it left, its lease expired, or it re-joined at another address).
   * Returns the node ids whose links were closed at once (idle ones).
   */
  retainOnly(live: readonly NodeLinkTarget[]): string[] {
    const keep = new Set(live.map(keyOf));
    const closed: string[] = [];
    for (const [key, client] of this.clients) {
      if (keep.has(key) || this.departed.has(key)) continue;
      if (client.inFlightCount === 0) {
        client.close();
        this.clients.delete(key);
        closed.push(nodeIdOf(key));
      } else {
        this.watchDeparted(key, client);
      }
    }
    return closed;
  }

  close(): void {
    for (const key of [...this.departed.keys()]) this.stopWatching(key);
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }

  private watchDeparted(key: string, client: NodeLinkClient): void {
    const interval = this.options.departedPingIntervalMs ?? 1000;
    const timeout = this.options.departedPingTimeoutMs ?? 2000;
    const check = async () => {
      if (!this.departed.has(key)) return;
      const alive = client.inFlightCount === 0 || (await client.ping(timeout));
      if (!this.departed.has(key)) return; // came back, or the pool closed, while we waited
      if (alive && client.inFlightCount > 0) {
        this.departed.set(key, setTimeout(() => void check(), interval));
        return;
      }
      this.departed.delete(key);
      this.clients.delete(key);
      this.options.onLinkFailure?.(nodeIdOf(key));
      client.close(`node ${nodeIdOf(key)} left the registry during the call and stopped answering on its link (crashed or lost its lease); retry`);
    };
    this.departed.set(key, setTimeout(() => void check(), 0));
  }

  private stopWatching(key: string): void {
    const timer = this.departed.get(key);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.departed.delete(key);
  }
}

function keyOf(target: NodeLinkTarget): string {
  return `${target.nodeId}@${target.linkAddress}`;
}

function nodeIdOf(key: string): string {
  return key.slice(0, key.indexOf('@'));
}
