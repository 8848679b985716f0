import { context, type Context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';

/**
 * W3C trace context in an MCP `_meta` object (`traceparent`, `tracestate` keys), as MCP clients that trace send
 * it and as the gateway passes it to nodes: the protocol's place for request metadata.
 */
const getter = {
  keys: (carrier: Record<string, unknown>) => Object.keys(carrier),
  get: (carrier: Record<string, unknown>, key: string) => (typeof carrier[key] === 'string' ? (carrier[key] as string) : undefined),
};
const setter = { set: (carrier: Record<string, unknown>, key: string, value: string) => void (carrier[key] = value) };

/** The context a `_meta` continues (the caller's span as parent), or the root context when it carries none. */
export function contextFromMeta(meta: Readonly<Record<string, unknown>> | undefined): Context {
  return meta ? propagation.extract(ROOT_CONTEXT, meta, getter) : ROOT_CONTEXT;
}

/** `meta` with the active span's trace context added (a copy; unchanged when nothing is traced). */
export function metaWithTraceContext(meta: Readonly<Record<string, unknown>> | undefined, active: Context = context.active()): Record<string, unknown> {
  const carrier: Record<string, unknown> = { ...(meta ?? {}) };
  propagation.inject(active, carrier, setter);
  return carrier;
}
