import { NodeLinkClientPool } from '@pimcp/node-link';
import type { InvokeRequest } from '@pimcp/protocol';
import type { InvokeOptions, NodeInvoker } from '../calls/node-invoker.port';
import type { ToolProvider } from '../calls/tool-catalog.port';

/** The gateway's NodeInvoker over the TCP node link, one pooled connection per node. */
export class NodeLinkNodeInvoker implements NodeInvoker {
  private readonly pool = new NodeLinkClientPool();

  invoke(provider: ToolProvider, request: InvokeRequest, options: InvokeOptions): Promise<Record<string, unknown>> {
    return this.pool.get(provider.linkAddress).invoke(request, { signal: options.signal, onProgress: options.onProgress });
  }

  async close(): Promise<void> {
    this.pool.close();
  }
}
