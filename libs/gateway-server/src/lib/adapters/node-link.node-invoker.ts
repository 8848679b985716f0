import { type InvocationTokenSigner, NodeLinkClientPool, type NodeLinkClientPoolOptions, signedInvoke, signedNodeRequest } from '@pimcp/node-link';
import type { InvokeRequest, NodeRequest } from '@pimcp/protocol';
import type { InvokeOptions, NodeInvoker } from '../calls/node-invoker.port';
import type { ToolProvider } from '../calls/tool-catalog.port';

/**
 * The gateway's NodeInvoker over the node link (TCP or Redis broker), one pooled link per node. Every message
 * carries a fresh token this gateway signs for that node and that exact call; the client's own token is never
 * part of it (ADR 0013).
 */
export class NodeLinkNodeInvoker implements NodeInvoker {
  private readonly pool: NodeLinkClientPool;
  private readonly signer: Pick<InvocationTokenSigner, 'sign'>;

  constructor(options: { signer: Pick<InvocationTokenSigner, 'sign'> } & Pick<NodeLinkClientPoolOptions, 'redisUrl' | 'onLinkFailure' | 'tcpTls' | 'redisTls'>) {
    const { signer, ...pool } = options;
    this.signer = signer;
    this.pool = new NodeLinkClientPool(pool);
  }

  async invoke(provider: ToolProvider, request: InvokeRequest, options: InvokeOptions): Promise<Record<string, unknown>> {
    return this.pool.get(provider).invoke(await signedInvoke(this.signer, provider.nodeId, request), {
      signal: options.signal, onProgress: options.onProgress, ...(options.onLog ? { onLog: options.onLog } : {}),
      ...(options.onClientRequest ? { onClientRequest: options.onClientRequest } : {}),
    });
  }

  async request(provider: ToolProvider, request: NodeRequest, options: { signal: AbortSignal }): Promise<Record<string, unknown>> {
    return this.pool.get(provider).request(await signedNodeRequest(this.signer, provider.nodeId, request), options);
  }

  retainOnly(live: readonly Pick<ToolProvider, 'nodeId' | 'linkAddress'>[]): void {
    this.pool.retainOnly(live);
  }

  async close(): Promise<void> {
    this.pool.close();
  }
}
