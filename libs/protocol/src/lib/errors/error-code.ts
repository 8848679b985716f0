/** Codes that cross service boundaries. Every code has an HTTP status in error-http-status.ts. */
export enum ErrorCode {
  InvalidManifest = 'INVALID_MANIFEST',
  CapabilityConflict = 'CAPABILITY_CONFLICT',
  NodeUnknown = 'NODE_UNKNOWN',
  NodeAlreadyJoined = 'NODE_ALREADY_JOINED',
  CapabilityUnknown = 'CAPABILITY_UNKNOWN',
  /** No tool set of that name is stored in the registry. */
  ToolSetUnknown = 'TOOL_SET_UNKNOWN',
  InvalidRequest = 'INVALID_REQUEST',
  WatchCompacted = 'WATCH_COMPACTED',
  StoreUnavailable = 'STORE_UNAVAILABLE',
  RegistryUnavailable = 'REGISTRY_UNAVAILABLE',
  ToolUnknown = 'TOOL_UNKNOWN',
  ResourceUnknown = 'RESOURCE_UNKNOWN',
  PromptUnknown = 'PROMPT_UNKNOWN',
  InvalidArguments = 'INVALID_ARGUMENTS',
  NodeUnavailable = 'NODE_UNAVAILABLE',
  DeadlineExceeded = 'DEADLINE_EXCEEDED',
  Cancelled = 'CANCELLED',
  /** A node refused an invocation whose gateway-signed token is missing, invalid, for another node or call, or replayed. */
  InvocationUnauthorized = 'INVOCATION_UNAUTHORIZED',
  /** An admin API request without a valid bearer token (missing, malformed, expired, untrusted issuer or audience). */
  Unauthenticated = 'UNAUTHENTICATED',
  /** An admin API request whose valid token lacks the scope the operation needs. */
  Forbidden = 'FORBIDDEN',
  Internal = 'INTERNAL',
}
