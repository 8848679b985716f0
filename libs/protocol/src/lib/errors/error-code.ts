/** Codes that cross service boundaries. Every code has an HTTP status in error-http-status.ts. */
export enum ErrorCode {
  InvalidManifest = 'INVALID_MANIFEST',
  CapabilityConflict = 'CAPABILITY_CONFLICT',
  NodeUnknown = 'NODE_UNKNOWN',
  NodeAlreadyJoined = 'NODE_ALREADY_JOINED',
  CapabilityUnknown = 'CAPABILITY_UNKNOWN',
  InvalidRequest = 'INVALID_REQUEST',
  WatchCompacted = 'WATCH_COMPACTED',
  StoreUnavailable = 'STORE_UNAVAILABLE',
  RegistryUnavailable = 'REGISTRY_UNAVAILABLE',
  ToolUnknown = 'TOOL_UNKNOWN',
  InvalidArguments = 'INVALID_ARGUMENTS',
  NodeUnavailable = 'NODE_UNAVAILABLE',
  DeadlineExceeded = 'DEADLINE_EXCEEDED',
  Cancelled = 'CANCELLED',
  Internal = 'INTERNAL',
}
