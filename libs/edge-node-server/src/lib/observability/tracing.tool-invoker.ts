import { context, SpanKind, trace } from '@opentelemetry/api';
import { ToolInvoker } from '@pimcp/node-link';
import { contextFromMeta, markToolFailure, markToolResult } from '@pimcp/observability/trace-meta';
import type { InvokeEvent, InvokeRequest } from '@pimcp/protocol';
import { Observable } from 'rxjs';

const tracer = trace.getTracer('pimcp-edge-node');

/**
 * The node's invoker with a server span per call, child of the gateway's link span (its trace context arrives in
 * the invocation's `_meta`). The handler runs inside the span's context, so spans it makes join the trace. A
 * no-op when the process has not started tracing.
 */
export class TracingToolInvoker extends ToolInvoker {
  override invoke(request: InvokeRequest): Observable<InvokeEvent> {
    return new Observable<InvokeEvent>((subscriber) => {
      const span = tracer.startSpan(`tool ${request.tool}`, {
        kind: SpanKind.SERVER,
        attributes: { 'gen_ai.tool.name': request.tool, 'pimcp.request.id': request.requestId },
      }, contextFromMeta(request.meta));
      const end = (error?: unknown) => {
        if (error !== undefined) markToolFailure(span, error);
        span.end();
      };
      const inner = context.with(trace.setSpan(context.active(), span), () => super.invoke(request).subscribe({
        next: (event) => {
          if (event.type === 'result') markToolResult(span, event.result);
          subscriber.next(event);
        },
        error: (error: unknown) => {
          end(error);
          subscriber.error(error);
        },
        complete: () => {
          end();
          subscriber.complete();
        },
      }));
      return () => {
        if (span.isRecording()) end('the caller stopped listening');
        inner.unsubscribe();
      };
    });
  }
}
