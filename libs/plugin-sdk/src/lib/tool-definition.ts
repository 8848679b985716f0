import type { CallerIdentity, CostClass, JsonSchemaObject, ToolAnnotationsDto } from '@pimcp/protocol';

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
  progress: ProgressReporter;
  logger: ToolLogger;
  requestId: string;
  caller: CallerIdentity;
  /** The caller's `_meta` entries meant for tools (for example `io.pimcp/context`). */
  meta: Readonly<Record<string, unknown>>;
}

/** An MCP CallToolResult as plain JSON; every content type passes through unchanged. */
export interface ToolResult {
  content?: Array<Record<string, unknown>>;
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
  [key: string]: unknown;
}

export interface ToolSpec<Args extends Record<string, unknown> = Record<string, unknown>> {
  name: string;
  description: string;
  /** JSON Schema of the arguments; they are validated before the handler runs. */
  inputSchema: JsonSchemaObject;
  outputSchema?: JsonSchemaObject;
  annotations?: ToolAnnotationsDto;
  version: string;
  costClass: CostClass;
  offloadable?: boolean;
  handler(args: Args, context: ToolContext): Promise<ToolResult>;
}

/** A tool a node can host: built-in, plugin, or bridged. */
export type ToolDefinition = ToolSpec<Record<string, unknown>>;
