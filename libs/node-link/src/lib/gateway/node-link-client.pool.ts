import { NodeLinkClient, type NodeLinkClientOptions, type NodeLinkTarget } from './node-link.client';

/** One link per node, reused by every call to that node. */
export class NodeLinkClientPool {
  private readonly clients = new Map<string, NodeLinkClient>();

  constructor(private readonly options: NodeLinkClientOptions = {}) {}

  get(target: NodeLinkTarget): NodeLinkClient {
    const key = `${target.nodeId}@${target.linkAddress}`;
    let client = this.clients.get(key);
    if (!client) {
      client = new NodeLinkClient(target, this.options);
      this.clients.set(key, client);
    }
    return client;
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}
