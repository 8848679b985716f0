import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import type { RunningTracing } from './start-tracing';
import { startTracing } from './start-tracing';
import { contextFromMeta, metaWithTraceContext } from './trace-meta';

describe('trace context in MCP _meta', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: RunningTracing | undefined;

  beforeAll(() => {
    tracing = startTracing('test', {}, exporter);
  });

  afterAll(() => tracing?.shutdown());

  it('continues the trace a traceparent names, and passes the active span on in a copy of _meta', () => {
    const parent = contextFromMeta({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', progressToken: 7 });
    const span = trace.getTracer('t').startSpan('child', {}, parent);
    expect(span.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    const original = { progressToken: 7 };
    const passed = context.with(trace.setSpan(context.active(), span), () => metaWithTraceContext(original));
    expect(passed).toEqual({ progressToken: 7, traceparent: `00-4bf92f3577b34da6a3ce929d0e0e4736-${span.spanContext().spanId}-01` });
    expect(original).toEqual({ progressToken: 7 });
    span.end();
  });

  it('starts a new trace for a _meta without one, or with a malformed one', () => {
    for (const meta of [undefined, {}, { traceparent: 'garbage' }, { traceparent: 42 }]) {
      const span = trace.getTracer('t').startSpan('root', {}, contextFromMeta(meta as Record<string, unknown> | undefined));
      expect(span.spanContext().traceId).not.toBe('4bf92f3577b34da6a3ce929d0e0e4736');
      expect(trace.isSpanContextValid(span.spanContext())).toBe(true);
      span.end();
    }
  });

  it('starts nothing without an OTLP endpoint', () => {
    expect(startTracing('idle', {})).toBeUndefined();
  });
});
