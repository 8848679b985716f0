import { NodeLinkClient } from './node-link.client';

/** One connection per node link address, reused by every call to that node. */
export class NodeLinkClientPool {
  private readonly clients = new Map<string, NodeLinkClient>();

  get(linkAddress: string): NodeLinkClient {
    let client = this.clients.get(linkAddress);
    if (!client) {
      client = new NodeLinkClient(linkAddress);
      this.clients.set(linkAddress, client);
    }
    return client;
  }

  /** Drops a node's connection, e.g. when it left the catalog. */
  forget(linkAddress: string): void {
    this.clients.get(linkAddress)?.close();
    this.clients.delete(linkAddress);
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}
