import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { contextFromMeta } from '@pimcp/observability';
import { CallToolUseCase, type CallToolInput, NODE_META_KEY } from '../calls/call-tool.usecase';

const tracer = trace.getTracer('pimcp-gateway');

/**
 * tools/call with a server span that continues the client's trace when its `_meta` carries `traceparent`
 * (a no-op when tracing is not started). Attempts on nodes are child spans (TracedNodeInvoker).
 */
export class TracedCallToolUseCase extends CallToolUseCase {
  override execute(input: CallToolInput): Promise<Record<string, unknown>> {
    return tracer.startActiveSpan(`tools/call ${input.name}`, {
      kind: SpanKind.SERVER,
      attributes: { 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': input.name, 'enduser.id': input.caller.subject },
    }, contextFromMeta(input.meta), async (span) => {
      try {
        const result = await super.execute(input);
        const node = (result['_meta'] as Record<string, unknown> | undefined)?.[NODE_META_KEY];
        if (typeof node === 'string') span.setAttribute('pimcp.node.id', node);
        if (result['isError'] === true) span.setStatus({ code: SpanStatusCode.ERROR, message: 'the tool returned isError' });
        return result;
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
        throw error;
      } finally {
        span.end();
      }
    });
  }
}
