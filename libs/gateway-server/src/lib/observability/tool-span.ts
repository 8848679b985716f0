import { type Context, type Span, type SpanOptions, trace } from '@opentelemetry/api';
import { markToolFailure, markToolResult } from '@pimcp/observability/trace-meta';

const tracer = trace.getTracer('pimcp-gateway');

/**
 * Runs `work` in an active span that ends with it: error status for a result with `isError` or a failure (the
 * failure is rethrown). One place for the gateway's tool spans (the tools/call and each link attempt).
 */
export function inToolSpan(
  name: string, options: SpanOptions, parent: Context | undefined, work: (span: Span) => Promise<Record<string, unknown>>,
): Promise<Record<string, unknown>> {
  const run = async (span: Span) => {
    try {
      const result = await work(span);
      markToolResult(span, result);
      return result;
    } catch (error) {
      markToolFailure(span, error);
      throw error;
    } finally {
      span.end();
    }
  };
  return parent ? tracer.startActiveSpan(name, options, parent, run) : tracer.startActiveSpan(name, options, run);
}
