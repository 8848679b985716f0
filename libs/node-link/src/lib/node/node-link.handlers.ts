import type { CancelRequest, ClientReply, InvokeEvent, InvokeRequest, PingReply } from '@pimcp/protocol';
import { defer, finalize, from, map, type Observable, switchMap } from 'rxjs';
import { grantOfInvoke, grantOfNodeRequest } from '../invocation/invocation-grant';
import type { InvocationTokenVerifier } from '../invocation/invocation-token.verifier';
import { OfferingHost } from './offering-host';
import { parseInvokeRequest } from './parse-invoke-request';
import { parseNodeRequest } from './parse-node-request';
import type { ToolInvoker } from './tool-invoker';

/** Checks each link call's gateway-signed token before it runs (docs/security/node-invocation.md). */
export type InvocationGuard = Pick<InvocationTokenVerifier, 'admit'>;

/**
 * The node end of every link message, whatever the transport: each transport's server only maps its
 * own wire (Nest TCP controller, Redis channels) onto these handlers. With a guard, nothing runs without
 * a valid invocation token; the node's own loopback MCP endpoint uses the invoker directly, without one.
 */
export class NodeLinkHandlers {
  constructor(
    readonly invoker: ToolInvoker,
    readonly offerings: OfferingHost = new OfferingHost({}),
    private readonly nodeId = '',
    private readonly guard?: InvocationGuard,
  ) {}

  /**
   * Progress and log events, then one result event; a malformed request fails with INVALID_REQUEST, a bad token
   * with INVOCATION_UNAUTHORIZED. `track` (the TCP link's connection tracking) sees the call before it is admitted.
   */
  invoke(payload: unknown, track?: (request: InvokeRequest) => () => void): Observable<InvokeEvent> {
    const request = parseInvokeRequest(payload);
    const release = track?.(request);
    const run = from(this.admit(request.invocationToken, grantOfInvoke(request), request)).pipe(switchMap(() => this.invoker.invoke(request)));
    return release ? run.pipe(finalize(release)) : run;
  }

  /** One result event: the same stream shape as invoke, so the gateway reads both alike. */
  request(payload: unknown): Observable<InvokeEvent> {
    return defer(async () => {
      const request = parseNodeRequest(payload);
      await this.admit(request.invocationToken, grantOfNodeRequest(request), request);
      return request;
    }).pipe(switchMap((request) => this.offerings.handle(request)), map((result): InvokeEvent => ({ type: 'result', result })));
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

  private async admit(token: string | undefined, grant: ReturnType<typeof grantOfInvoke>, request: Pick<InvokeRequest, 'caller'>): Promise<void> {
    await this.guard?.admit({ token, grant, caller: request.caller });
  }
}
