import type { RunningTracing } from './start-tracing';

/**
 * Starts tracing when an OTLP endpoint is configured, loading the OpenTelemetry SDK only then (it is memory a
 * board that exports no traces should not spend).
 */
export async function startTracingIfConfigured(serviceName: string, env: NodeJS.ProcessEnv = process.env): Promise<RunningTracing | undefined> {
  if (!env['OTEL_EXPORTER_OTLP_ENDPOINT'] && !env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']) return undefined;
  const { startTracing } = await import('./start-tracing');
  return startTracing(serviceName, env);
}
