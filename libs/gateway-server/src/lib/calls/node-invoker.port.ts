import type { ClientRequestEvent, InvokeRequest, LogEvent, NodeRequest, ProgressEvent } from '@pimcp/protocol';
import type { ToolProvider } from './tool-catalog.port';

export interface InvokeOptions {
  /** Aborting sends a cancel to the node. */
  signal: AbortSignal;
  onProgress(event: ProgressEvent): void;
  /** Messages the tool logged; relayed as notifications/message. */
  onLog?(event: LogEvent): void;
  /** Requests the tool makes of the calling client (sampling, elicitation, roots); resolves with the client's result. */
  onClientRequest?(event: ClientRequestEvent): Promise<Record<string, unknown>>;
}

/** Runs one invocation on one node over the node link; rejects with PimcpError (NODE_UNAVAILABLE, DEADLINE_EXCEEDED, ...). */
export interface NodeInvoker {
  invoke(provider: ToolProvider, request: InvokeRequest, options: InvokeOptions): Promise<Record<string, unknown>>;
  /** Forwards resources/read, prompts/get or completion/complete; rejects like invoke. */
  request(provider: ToolProvider, request: NodeRequest, options: { signal: AbortSignal }): Promise<Record<string, unknown>>;
  /** Drops the links of nodes that are no longer live; their calls in flight fail with NODE_UNAVAILABLE at once. */
  retainOnly(live: readonly Pick<ToolProvider, 'nodeId' | 'linkAddress'>[]): void;
  close(): Promise<void>;
}
