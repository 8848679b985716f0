import { SpanKind } from '@opentelemetry/api';
import { metaWithTraceContext } from '@pimcp/observability';
import type { InvokeRequest, NodeRequest } from '@pimcp/protocol';
import type { InvokeOptions, NodeInvoker } from '../calls/node-invoker.port';
import type { ToolProvider } from '../calls/tool-catalog.port';
import { inToolSpan } from './tool-span';

/**
 * One client span per invocation over the node link (each retry or hedge its own), whose trace context goes to
 * the node in the invocation's `_meta`, so the node's span joins the same trace.
 */
export class TracedNodeInvoker implements NodeInvoker {
  constructor(private readonly inner: NodeInvoker) {}

  invoke(provider: ToolProvider, request: InvokeRequest, options: InvokeOptions): Promise<Record<string, unknown>> {
    return inToolSpan(`pimcp.link invoke ${request.tool}`, {
      kind: SpanKind.CLIENT,
      attributes: { 'pimcp.node.id': provider.nodeId, 'pimcp.request.id': request.requestId, 'gen_ai.tool.name': request.tool },
    }, undefined, () => this.inner.invoke(provider, { ...request, meta: metaWithTraceContext(request.meta) }, options));
  }

  request(provider: ToolProvider, request: NodeRequest, options: { signal: AbortSignal }): Promise<Record<string, unknown>> {
    return this.inner.request(provider, request, options);
  }

  retainOnly(live: readonly Pick<ToolProvider, 'nodeId' | 'linkAddress'>[]): void {
    this.inner.retainOnly(live);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
