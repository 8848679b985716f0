import { Controller, Inject, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, Payload, type TcpContext } from '@nestjs/microservices';
import type { NodeLinkHandlers } from '@pimcp/node-link';
import { type InvokeEvent, NodeLinkPatterns, type PingReply } from '@pimcp/protocol';
import type { Observable } from 'rxjs';
import { LINK_CONNECTIONS, LINK_HANDLERS } from '../edge-node-tokens';
import type { LinkConnections } from './link-connections';
import { NodeLinkErrorFilter } from './rpc-error.filter';

/** The node end of the gateway link over TCP: invocations, forwarded requests, cancels. */
@Controller()
@UseFilters(NodeLinkErrorFilter)
export class NodeLinkController {
  constructor(
    @Inject(LINK_HANDLERS) private readonly handlers: NodeLinkHandlers,
    @Inject(LINK_CONNECTIONS) private readonly connections: LinkConnections,
  ) {}

  /** A malformed request is INVALID_REQUEST, a bad invocation token INVOCATION_UNAUTHORIZED (mapped by the filter). */
  @MessagePattern(NodeLinkPatterns.invoke)
  invoke(@Payload() payload: unknown, @Ctx() context: TcpContext): Observable<InvokeEvent> {
    // Calls of a connection that drops are aborted: nobody is left to read their results.
    return this.handlers.invoke(payload, (request) => this.connections.track(context.getSocketRef().netSocket, request.requestId));
  }

  @MessagePattern(NodeLinkPatterns.request)
  request(@Payload() payload: unknown): Observable<InvokeEvent> {
    return this.handlers.request(payload);
  }

  @MessagePattern(NodeLinkPatterns.ping)
  ping(): PingReply {
    return this.handlers.ping();
  }

  @EventPattern(NodeLinkPatterns.clientReply)
  clientReply(@Payload() payload: unknown): void {
    this.handlers.clientReply(payload);
  }

  @EventPattern(NodeLinkPatterns.cancel)
  cancel(@Payload() payload: unknown): void {
    this.handlers.cancel(payload);
  }
}
