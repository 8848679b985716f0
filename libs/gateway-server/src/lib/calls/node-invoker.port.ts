import type { InvokeRequest, ProgressEvent } from '@pimcp/protocol';
import type { ToolProvider } from './tool-catalog.port';

export interface InvokeOptions {
  /** Aborting sends a cancel to the node. */
  signal: AbortSignal;
  onProgress(event: ProgressEvent): void;
}

/** Runs one invocation on one node over the node link; rejects with PimcpError (NODE_UNAVAILABLE, DEADLINE_EXCEEDED, ...). */
export interface NodeInvoker {
  invoke(provider: ToolProvider, request: InvokeRequest, options: InvokeOptions): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}
