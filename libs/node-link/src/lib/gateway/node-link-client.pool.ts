import { NodeLinkClient, type NodeLinkClientOptions, type NodeLinkTarget } from './node-link.client';

/** One link per node, reused by every call to that node. */
export class NodeLinkClientPool {
  private readonly clients = new Map<string, NodeLinkClient>();

  constructor(private readonly options: NodeLinkClientOptions = {}) {}

  get size(): number {
    return this.clients.size;
  }

  /** The client for a node, created on first use. Throws NODE_UNAVAILABLE for an address it cannot dial. */
  get(target: NodeLinkTarget): NodeLinkClient {
    const key = keyOf(target);
    let client = this.clients.get(key);
    if (!client) {
      client = new NodeLinkClient(target, this.options);
      this.clients.set(key, client);
    }
    return client;
  }

  /** Closes a node's link, e.g. when it left the catalog; calls still on it fail with NODE_UNAVAILABLE. */
  forget(target: NodeLinkTarget): void {
    this.clients.get(keyOf(target))?.close();
    this.clients.delete(keyOf(target));
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}

function keyOf(target: NodeLinkTarget): string {
  return `${target.nodeId}@${target.linkAddress}`;
}
