import type { CancelRequest, ClientReply, InvokeEvent, PingReply } from '@pimcp/protocol';
import { defer, map, type Observable } from 'rxjs';
import { OfferingHost } from './offering-host';
import { parseInvokeRequest } from './parse-invoke-request';
import { parseNodeRequest } from './parse-node-request';
import type { ToolInvoker } from './tool-invoker';

/**
 * The node end of every link message, whatever the transport: each transport's server only maps its
 * own wire (Nest TCP controller, Redis channels) onto these three handlers.
 */
export class NodeLinkHandlers {
  constructor(
    readonly invoker: ToolInvoker,
    readonly offerings: OfferingHost = new OfferingHost({}),
    private readonly nodeId = '',
  ) {}

  /** Progress and log events, then one result event; a malformed request fails with INVALID_REQUEST. */
  invoke(payload: unknown): Observable<InvokeEvent> {
    return this.invoker.invoke(parseInvokeRequest(payload));
  }

  /** One result event: the same stream shape as invoke, so the gateway reads both alike. */
  request(payload: unknown): Observable<InvokeEvent> {
    return defer(() => this.offerings.handle(parseNodeRequest(payload))).pipe(map((result): InvokeEvent => ({ type: 'result', result })));
  }

  ping(): PingReply {
    return { nodeId: this.nodeId, inFlight: this.invoker.inFlightCount };
  }

  /** The MCP client's answer to a request a running tool made of it; malformed or late answers are dropped. */
  clientReply(payload: unknown): void {
    const reply = payload as Partial<ClientReply> | undefined;
    if (!reply || typeof reply.requestId !== 'string' || typeof reply.id !== 'string') return;
    const error = reply.error && typeof reply.error.code === 'number' && typeof reply.error.message === 'string'
      ? { code: reply.error.code, message: reply.error.message.slice(0, 1000) } : undefined;
    const result = reply.result && typeof reply.result === 'object' && !Array.isArray(reply.result) ? reply.result : undefined;
    this.invoker.answerClientRequest({
      requestId: reply.requestId, id: reply.id,
      ...(error ? { error } : result ? { result } : { error: { code: -32603, message: 'the client sent no result' } }),
    });
  }

  cancel(payload: unknown): void {
    const request = payload as Partial<CancelRequest> | undefined;
    if (!request || typeof request.requestId !== 'string') return;
    const reason = typeof request.reason === 'string' ? request.reason : undefined;
    if (!this.invoker.cancel(request.requestId, reason)) this.offerings.cancel(request.requestId, reason);
  }
}
