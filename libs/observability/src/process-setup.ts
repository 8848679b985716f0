// What each app's main calls first: logging (text or JSON) and tracing (only when an OTLP endpoint is set).
export * from './lib/logging/configure-process-logging';
export * from './lib/tracing/start-tracing-if-configured';
