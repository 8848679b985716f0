import { type Context, type Span, type SpanOptions, SpanStatusCode, trace } from '@opentelemetry/api';

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
      if (result['isError'] === true) span.setStatus({ code: SpanStatusCode.ERROR, message: 'the tool returned isError' });
      return result;
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      span.end();
    }
  };
  return parent ? tracer.startActiveSpan(name, options, parent, run) : tracer.startActiveSpan(name, options, run);
}
