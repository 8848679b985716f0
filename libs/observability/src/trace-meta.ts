// Trace context in MCP `_meta` and the tool span status rule (OpenTelemetry API only, no SDK): for code that
// continues or passes on traces.
export * from './lib/tracing/trace-meta';
export * from './lib/tracing/tool-span-status';
