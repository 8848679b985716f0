/** @nestjs/microservices message patterns between the gateway and a node (docs/adr/0005-node-link.md). */
export const NodeLinkPatterns = {
  /** Request/stream: emits zero or more progress events, then exactly one result event. */
  invoke: 'node.invoke',
  /** Request/stream: one result event for a resources/read, prompts/get or completion/complete. */
  request: 'node.request',
  /** Request/response: proves the node still answers on its link (used once it has left the registry). */
  ping: 'node.ping',
  /** Fire-and-forget: aborts the handler of an invocation or request in flight. */
  cancel: 'node.cancel',
  /** Fire-and-forget: the MCP client's answer to a client-request event of an invocation in flight. */
  clientReply: 'node.client-reply',
} as const;

/**
 * The per-node channel of a pattern on a shared broker (the Redis link): `node.invoke/<node-id>`.
 * Over TCP the connection itself addresses the node and the bare pattern is used.
 */
export function nodeLinkChannel(pattern: (typeof NodeLinkPatterns)[keyof typeof NodeLinkPatterns], nodeId: string): string {
  return `${pattern}/${nodeId}`;
}

/** The `_meta` key a caller names a call's shared context with (issue 5); absent: one context per client. */
export const CONTEXT_META_KEY = 'io.pimcp/context';

/** The context a call works in: the one the caller named, else the caller's own. */
export function callContextId(meta: Readonly<Record<string, unknown>> | undefined, caller: CallerIdentity): string {
  const named = meta?.[CONTEXT_META_KEY];
  if (typeof named === 'string' && named.length > 0) return named;
  return `client:${caller.clientId ?? caller.subject}`;
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
  /** The gateway-signed token for exactly this call on this node (docs/security/node-invocation.md); never a client token. */
  invocationToken?: string;
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

/** MCP log severities, lowest first (RFC 5424 as MCP names them). */
export const LOG_LEVELS = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A message the tool logged while it ran; the gateway relays it as MCP `notifications/message`. */
export interface LogEvent {
  type: 'log';
  level: LogLevel;
  /** Usually the tool's name. */
  logger?: string;
  data: unknown;
}

/** What a tool (a bridged MCP server) may ask of the MCP client that made the call; the gateway relays it. */
export const CLIENT_REQUEST_METHODS = ['sampling/createMessage', 'elicitation/create', 'roots/list'] as const;
export type ClientRequestMethod = (typeof CLIENT_REQUEST_METHODS)[number];

/** A request of the calling MCP client during an invocation; answered by a ClientReply on NodeLinkPatterns.clientReply. */
export interface ClientRequestEvent {
  type: 'client-request';
  /** Unique within the invocation. */
  id: string;
  method: ClientRequestMethod;
  params: Record<string, unknown>;
}

/** The client's answer to a ClientRequestEvent: its result, or the JSON-RPC error it (or the gateway) gave. */
export interface ClientReply {
  /** The invocation's requestId. */
  requestId: string;
  id: string;
  result?: Record<string, unknown>;
  error?: { code: number; message: string };
}

export type InvokeEvent = ProgressEvent | LogEvent | ResultEvent | ClientRequestEvent;

/** A node's answer to a ping. */
export interface PingReply {
  nodeId: string;
  inFlight: number;
}

/** The MCP methods besides tools/call that the gateway forwards to one node. */
export const NODE_REQUEST_METHODS = ['resources/read', 'prompts/get', 'completion/complete'] as const;
export type NodeRequestMethod = (typeof NODE_REQUEST_METHODS)[number];

/** One forwarded MCP request; `params` are the client's, already checked by the SDK's schemas at the gateway. */
export interface NodeRequest {
  requestId: string;
  method: NodeRequestMethod;
  params: Record<string, unknown>;
  /** Absolute deadline, epoch milliseconds. */
  deadline: number;
  caller: CallerIdentity;
  /** The gateway-signed token for exactly this request on this node; never a client token. */
  invocationToken?: string;
}

export interface CancelRequest {
  requestId: string;
  reason?: string;
}
