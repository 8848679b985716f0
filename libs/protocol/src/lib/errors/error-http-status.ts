import { ErrorCode } from './error-code';

/** The one place where protocol error codes become HTTP statuses. */
export const errorHttpStatus = {
  [ErrorCode.InvalidManifest]: 400,
  [ErrorCode.InvalidRequest]: 400,
  [ErrorCode.CapabilityConflict]: 409,
  [ErrorCode.NodeAlreadyJoined]: 409,
  [ErrorCode.NodeUnknown]: 404,
  [ErrorCode.CapabilityUnknown]: 404,
  [ErrorCode.ToolSetUnknown]: 404,
  [ErrorCode.WatchCompacted]: 410,
  [ErrorCode.StoreUnavailable]: 503,
  [ErrorCode.RegistryUnavailable]: 503,
  [ErrorCode.ToolUnknown]: 404,
  [ErrorCode.ResourceUnknown]: 404,
  [ErrorCode.PromptUnknown]: 404,
  [ErrorCode.InvalidArguments]: 400,
  [ErrorCode.NodeUnavailable]: 503,
  [ErrorCode.DeadlineExceeded]: 504,
  [ErrorCode.Cancelled]: 499,
  [ErrorCode.InvocationUnauthorized]: 403,
  [ErrorCode.Unauthenticated]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.Internal]: 500,
} as const satisfies Record<ErrorCode, number>;
