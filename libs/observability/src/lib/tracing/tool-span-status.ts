import { type Span, SpanStatusCode } from '@opentelemetry/api';

/**
 * The one rule for a tool call's span status, on the gateway and on the node: a result with `isError` and a
 * failure both mark the span as an error; anything else leaves it unset (OK by default).
 */
export function markToolResult(span: Span, result: Readonly<Record<string, unknown>>): void {
  if (result['isError'] === true) span.setStatus({ code: SpanStatusCode.ERROR, message: 'the tool returned isError' });
}

export function markToolFailure(span: Span, error: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}
