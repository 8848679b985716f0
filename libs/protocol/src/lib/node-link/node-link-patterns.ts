/** @nestjs/microservices message patterns between the gateway and a node (docs/adr/0005-node-link.md). */
export const NodeLinkPatterns = {
  /** Request/stream: emits zero or more progress events, then exactly one result event. */
  invoke: 'node.invoke',
  /** Fire-and-forget: aborts the handler of an invocation in flight. */
  cancel: 'node.cancel',
} as const;

/**
 * The per-node channel of a pattern on a shared broker (the Redis link): `node.invoke/<node-id>`.
 * Over TCP the connection itself addresses the node and the bare pattern is used.
 */
export function nodeLinkChannel(pattern: (typeof NodeLinkPatterns)[keyof typeof NodeLinkPatterns], nodeId: string): string {
  return `${pattern}/${nodeId}`;
}

/** Who asked for a call, as the gateway authenticated it. Never a client token. */
export interface CallerIdentity {
  subject: string;
  clientId?: string;
}

export interface InvokeRequest {
  /** Unique per call; the key for cancellation and for logs on both sides. */
  requestId: string;
  /** The capability name on the node (not the `<node-id>.` alias). */
  tool: string;
  arguments: Record<string, unknown>;
  /** Absolute deadline, epoch milliseconds; the node aborts the handler when it passes. */
  deadline: number;
  caller: CallerIdentity;
  /** The client's `_meta` minus transport keys (progressToken), passed for tools that read it. */
  meta?: Record<string, unknown>;
}

export interface ProgressEvent {
  type: 'progress';
  progress: number;
  total?: number;
  message?: string;
}

/** An MCP CallToolResult, carried as JSON so every content type passes through unchanged. */
export interface ResultEvent {
  type: 'result';
  result: Record<string, unknown>;
}

export type InvokeEvent = ProgressEvent | ResultEvent;

export interface CancelRequest {
  requestId: string;
  reason?: string;
}
