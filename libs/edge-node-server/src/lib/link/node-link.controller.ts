import { Controller, Inject, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, Payload, type TcpContext } from '@nestjs/microservices';
import { parseInvokeRequest, type ToolInvoker } from '@pimcp/node-link';
import { type CancelRequest, type InvokeEvent, NodeLinkPatterns } from '@pimcp/protocol';
import { finalize, type Observable } from 'rxjs';
import { LINK_CONNECTIONS, TOOL_INVOKER } from '../edge-node-tokens';
import type { LinkConnections } from './link-connections';
import { NodeLinkErrorFilter } from './rpc-error.filter';

/** The node end of the gateway link: invocations stream progress then a result; cancels abort them. */
@Controller()
@UseFilters(NodeLinkErrorFilter)
export class NodeLinkController {
  constructor(
    @Inject(TOOL_INVOKER) private readonly invoker: ToolInvoker,
    @Inject(LINK_CONNECTIONS) private readonly connections: LinkConnections,
  ) {}

  /** A malformed request is INVALID_REQUEST (thrown here, mapped by the filter); the rest is the invoker's. */
  @MessagePattern(NodeLinkPatterns.invoke)
  invoke(@Payload() payload: unknown, @Ctx() context: TcpContext): Observable<InvokeEvent> {
    const request = parseInvokeRequest(payload);
    const release = this.connections.track(context.getSocketRef().netSocket, request.requestId);
    return this.invoker.invoke(request).pipe(finalize(release));
  }

  @EventPattern(NodeLinkPatterns.cancel)
  cancel(@Payload() request: CancelRequest): void {
    if (request && typeof request.requestId === 'string') this.invoker.cancel(request.requestId, typeof request.reason === 'string' ? request.reason : undefined);
  }
}
