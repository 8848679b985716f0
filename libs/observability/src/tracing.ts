// Tracing (OpenTelemetry SDK and OTLP exporter): loaded only by processes that start it.
export * from './lib/tracing/start-tracing';
export * from './lib/tracing/trace-meta';
