import { ClientTCP } from '@nestjs/microservices';
import { ErrorCode, type InvokeEvent, type InvokeRequest, NodeLinkPatterns, PimcpError, type ProgressEvent } from '@pimcp/protocol';
import type { Subscription } from 'rxjs';

export interface NodeInvokeOptions {
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
}

/** The gateway's link to one node (`tcp://host:port`), over @nestjs/microservices TCP. */
export class NodeLinkClient {
  private readonly client: ClientTCP;

  constructor(readonly linkAddress: string) {
    const url = new URL(linkAddress);
    if (url.protocol !== 'tcp:') {
      throw new PimcpError(ErrorCode.NodeUnavailable, `link address ${linkAddress} uses ${url.protocol}; this gateway reaches nodes over tcp:// only`);
    }
    this.client = new ClientTCP({ host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port) });
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
      link.subscription = this.client.send<InvokeEvent>(NodeLinkPatterns.invoke, request).subscribe({
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
    this.client.emit(NodeLinkPatterns.cancel, { requestId, ...(reason ? { reason } : {}) }).subscribe({ error: () => undefined });
  }

  close(): void {
    this.client.close();
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
