import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

export interface RunningTracing {
  /** Exports what is buffered and stops; called on shutdown so the last spans are not lost. */
  shutdown(): Promise<void>;
}

/**
 * OpenTelemetry tracing for one process, exported by OTLP over HTTP when the standard variables name a collector
 * (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT; the exporter reads them, and headers, itself).
 * Without them nothing is started and the OpenTelemetry API stays a no-op: spans cost nothing.
 */
export function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env, exporter?: SpanExporter): RunningTracing | undefined {
  const configured = env['OTEL_EXPORTER_OTLP_ENDPOINT'] || env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'];
  if (!configured && !exporter) return undefined;
  if (env['OTEL_SDK_DISABLED'] === 'true') return undefined;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': env['OTEL_SERVICE_NAME'] || serviceName, 'service.namespace': 'pimcp' }),
    spanProcessors: [new BatchSpanProcessor(exporter ?? new OTLPTraceExporter(), { scheduledDelayMillis: 500 })],
  });
  // Registers the provider, W3C trace-context propagation and the AsyncLocalStorage context manager.
  provider.register();
  return { shutdown: () => provider.shutdown() };
}
