import type { CallerIdentity, ClientRequestMethod, CostClass, JsonSchemaObject, ToolAnnotationsDto } from '@pimcp/protocol';
import type { ContextHandle } from './context/context-handle';

/** What a handler may report while it works; relayed to the client as notifications/progress. */
export type ProgressReporter = (progress: number, total?: number, message?: string) => void;

export interface ToolLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Everything a handler gets besides its arguments. */
export interface ToolContext {
  /** Aborted when the caller cancels, the deadline passes, or the node shuts down. Pass it on to I/O. */
  signal: AbortSignal;
  /** Progress must increase from call to call (MCP); calls after the handler settled are dropped. */
  progress: ProgressReporter;
  logger: ToolLogger;
  requestId: string;
  caller: CallerIdentity;
  /** Absolute deadline, epoch milliseconds; `signal` aborts when it passes. */
  deadline: number;
  /** The caller's `_meta` entries meant for tools (for example `io.pimcp/context`). */
  meta: Readonly<Record<string, unknown>>;
  /** The call's shared context; on a node without a context store every use is a ToolError saying so. */
  context: ContextHandle;
  /**
   * Asks the MCP client that made the call (sampling/createMessage, elicitation/create, roots/list) and resolves
   * with its result; rejects with the client's error, or when the host cannot reach the client. Absent on hosts
   * that cannot relay requests to the client.
   */
  requestClient?(method: ClientRequestMethod, params: Record<string, unknown>): Promise<Record<string, unknown>>;
}

/** An MCP CallToolResult as plain JSON; every content type passes through unchanged. */
export interface ToolResult {
  content?: Array<Record<string, unknown>>;
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
  [key: string]: unknown;
}

export interface ToolSpec<Args extends Record<string, unknown> = Record<string, unknown>> {
  /** Lowercase dotted segments, e.g. `file.search`; unique per node. */
  name: string;
  description: string;
  /** JSON Schema (2020-12 unless `$schema` says draft-07) of the arguments; checked before the handler runs. */
  inputSchema: JsonSchemaObject;
  /** When given, every successful result must carry `structuredContent` matching it. */
  outputSchema?: JsonSchemaObject;
  annotations?: ToolAnnotationsDto;
  /** Semantic version; a schema change needs a new major (docs/adr/0003). */
  version: string;
  costClass: CostClass;
  /** May the router send this call to a cloud node when the edge is saturated. */
  offloadable?: boolean;
  /**
   * Runs one call. Return a result (with `isError: true` for a failure the model should read) or throw a
   * ToolError for the same; any other exception is a protocol error (INTERNAL) and is logged on the node.
   */
  handler(args: Args, context: ToolContext): Promise<ToolResult>;
}

/** A tool a node can host: built-in, plugin, or bridged. */
export type ToolDefinition = ToolSpec<Record<string, unknown>>;
