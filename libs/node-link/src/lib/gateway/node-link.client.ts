import { ClientRedis, ClientTCP } from '@nestjs/microservices';
import { ErrorCode, type InvokeEvent, type InvokeRequest, NodeLinkPatterns, nodeLinkChannel, PimcpError, type ProgressEvent } from '@pimcp/protocol';
import { redisLinkOptions } from '../redis-link-options';
import type { Subscription } from 'rxjs';

export interface NodeInvokeOptions {
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
}

export interface NodeLinkTarget {
  nodeId: string;
  /** `tcp://host:port` (the gateway dials the node) or `redis://host:port` (both meet at a broker). */
  linkAddress: string;
}

export interface NodeLinkClientOptions {
  /** The broker URL, with the gateway's own credentials, for nodes whose link address is redis://. */
  redisUrl?: string;
}

/** The gateway's link to one node, over @nestjs/microservices TCP or through a Redis broker (ADR 0005). */
export class NodeLinkClient {
  private readonly client: ClientTCP | ClientRedis;
  private readonly invokePattern: string;
  private readonly cancelPattern: string;
  readonly linkAddress: string;

  constructor(target: NodeLinkTarget, options: NodeLinkClientOptions = {}) {
    this.linkAddress = target.linkAddress;
    const url = new URL(target.linkAddress);
    if (url.protocol === 'tcp:') {
      this.client = new ClientTCP({ host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port) });
      this.invokePattern = NodeLinkPatterns.invoke;
      this.cancelPattern = NodeLinkPatterns.cancel;
    } else if (url.protocol === 'redis:' || url.protocol === 'rediss:') {
      if (!options.redisUrl) {
        throw new PimcpError(ErrorCode.NodeUnavailable, `node ${target.nodeId} is reached through a Redis broker (${target.linkAddress}) but this gateway has none; set PIMCP_NODE_LINK_REDIS_URL`);
      }
      this.client = new ClientRedis(redisLinkOptions(options.redisUrl));
      this.invokePattern = nodeLinkChannel(NodeLinkPatterns.invoke, target.nodeId);
      this.cancelPattern = nodeLinkChannel(NodeLinkPatterns.cancel, target.nodeId);
    } else {
      throw new PimcpError(ErrorCode.NodeUnavailable, `link address ${target.linkAddress} uses ${url.protocol}; nodes are reached over tcp:// or redis://`);
    }
  }

  /** Resolves with the node's CallToolResult; progress arrives through onProgress first. */
  invoke(request: InvokeRequest, options: NodeInvokeOptions = {}): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const link: { subscription?: Subscription } = {};
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        link.subscription?.unsubscribe();
        fn();
      };
      const onAbort = () => {
        this.cancel(request.requestId, String(options.signal?.reason ?? 'cancelled'));
        finish(() => reject(new PimcpError(ErrorCode.Cancelled, 'the caller cancelled the call')));
      };
      // The node enforces the deadline too; this one covers a node that stopped answering altogether.
      const timer = setTimeout(() => {
        this.cancel(request.requestId, 'deadline passed');
        finish(() => reject(new PimcpError(ErrorCode.DeadlineExceeded, `no answer from node at ${this.linkAddress} before the deadline`)));
      }, Math.max(0, request.deadline - Date.now()) + 1000);
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      link.subscription = this.client.send<InvokeEvent>(this.invokePattern, request).subscribe({
        next: (event) => {
          if (event.type === 'progress') options.onProgress?.(event);
          else if (event.type === 'result') finish(() => resolve(event.result));
        },
        error: (err: unknown) => finish(() => reject(this.toPimcpError(err))),
        complete: () => finish(() => reject(new PimcpError(ErrorCode.NodeUnavailable, `node at ${this.linkAddress} ended the call without a result`))),
      });
    });
  }

  cancel(requestId: string, reason?: string): void {
    this.client.emit(this.cancelPattern, { requestId, ...(reason ? { reason } : {}) }).subscribe({ error: () => undefined });
  }

  /** Never throws: closing a link whose broker is already gone is not an error. */
  close(): void {
    Promise.resolve()
      .then(() => this.client.close())
      .catch(() => undefined);
  }

  private toPimcpError(err: unknown): PimcpError {
    const e = err as { code?: string; message?: string };
    if (e && typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code)) {
      return new PimcpError(ErrorCode.NodeUnavailable, `node at ${this.linkAddress} is unreachable (${e.code})`);
    }
    if (e?.message === 'Connection closed' || (err instanceof Error && /closed|ECONNRESET|EPIPE/.test(err.message))) {
      return new PimcpError(ErrorCode.NodeUnavailable, `connection to node at ${this.linkAddress} was lost during the call`);
    }
    return PimcpError.fromBody(err);
  }
}
