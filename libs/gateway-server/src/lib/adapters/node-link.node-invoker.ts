import { NodeLinkClientPool, type NodeLinkClientPoolOptions } from '@pimcp/node-link';
import type { InvokeRequest, NodeRequest } from '@pimcp/protocol';
import type { InvokeOptions, NodeInvoker } from '../calls/node-invoker.port';
import type { ToolProvider } from '../calls/tool-catalog.port';

/** The gateway's NodeInvoker over the node link (TCP or Redis broker), one pooled link per node. */
export class NodeLinkNodeInvoker implements NodeInvoker {
  private readonly pool: NodeLinkClientPool;

  constructor(options: Pick<NodeLinkClientPoolOptions, 'redisUrl' | 'onLinkFailure' | 'tcpTls' | 'redisTls'> = {}) {
    this.pool = new NodeLinkClientPool(options);
  }

  invoke(provider: ToolProvider, request: InvokeRequest, options: InvokeOptions): Promise<Record<string, unknown>> {
    return this.pool.get(provider).invoke(request, {
      signal: options.signal, onProgress: options.onProgress, ...(options.onLog ? { onLog: options.onLog } : {}),
    });
  }

  request(provider: ToolProvider, request: NodeRequest, options: { signal: AbortSignal }): Promise<Record<string, unknown>> {
    return this.pool.get(provider).request(request, options);
  }

  retainOnly(live: readonly Pick<ToolProvider, 'nodeId' | 'linkAddress'>[]): void {
    this.pool.retainOnly(live);
  }

  async close(): Promise<void> {
    this.pool.close();
  }
}
