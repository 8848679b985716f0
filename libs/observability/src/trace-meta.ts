// Trace context in MCP `_meta` (OpenTelemetry API only, no SDK): for code that continues or passes on traces.
export * from './lib/tracing/trace-meta';
