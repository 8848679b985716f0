import { Controller, Inject, UseFilters } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { type CancelRequest, ErrorCode, type InvokeEvent, type InvokeRequest, NodeLinkPatterns, PimcpError } from '@pimcp/protocol';
import type { ToolInvoker } from '@pimcp/node-link';
import { type Observable, throwError } from 'rxjs';
import { TOOL_INVOKER } from '../edge-node-tokens';
import { NodeLinkErrorFilter } from './rpc-error.filter';

/** The node end of the gateway link: invocations stream progress then a result; cancels abort them. */
@Controller()
@UseFilters(NodeLinkErrorFilter)
export class NodeLinkController {
  constructor(@Inject(TOOL_INVOKER) private readonly invoker: ToolInvoker) {}

  @MessagePattern(NodeLinkPatterns.invoke)
  invoke(@Payload() request: InvokeRequest): Observable<InvokeEvent> {
    if (!isInvokeRequest(request)) {
      return throwError(() => new PimcpError(ErrorCode.InvalidRequest, 'invoke needs requestId, tool, arguments, deadline and caller'));
    }
    return this.invoker.invoke(request);
  }

  @EventPattern(NodeLinkPatterns.cancel)
  cancel(@Payload() request: CancelRequest): void {
    if (request && typeof request.requestId === 'string') this.invoker.cancel(request.requestId, request.reason);
  }
}

function isInvokeRequest(value: unknown): value is InvokeRequest {
  const r = value as Partial<InvokeRequest> | undefined;
  return !!r && typeof r.requestId === 'string' && typeof r.tool === 'string' && typeof r.deadline === 'number'
    && typeof r.caller?.subject === 'string' && (r.arguments === undefined || (typeof r.arguments === 'object' && r.arguments !== null && !Array.isArray(r.arguments)));
}
