import { ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/client';
import { ErrorCode, PimcpError } from '@pimcp/protocol';

const MAX_TEXT = 500;

/**
 * What the caller hears when a forwarded request fails: our own abort keeps its reason (cancel, deadline, shutdown);
 * the server's error answers keep their meaning; a broken connection is NODE_UNAVAILABLE (retryable).
 */
export function toPimcpError(err: unknown, signal: AbortSignal, what: string): PimcpError {
  if (err instanceof PimcpError) return err;
  if (signal.aborted && signal.reason instanceof PimcpError) return signal.reason;
  const message = (err instanceof Error ? err.message : String(err)).slice(0, MAX_TEXT);
  if (err instanceof ProtocolError) {
    if (err.code === ProtocolErrorCode.InvalidParams) return new PimcpError(ErrorCode.InvalidArguments, `${what}: ${message}`);
    if (err.code === ProtocolErrorCode.ResourceNotFound) return new PimcpError(ErrorCode.ResourceUnknown, `${what}: ${message}`);
    return new PimcpError(ErrorCode.Internal, `${what} answered with an error: ${message}`);
  }
  if ((err as { code?: unknown } | undefined)?.code === 'REQUEST_TIMEOUT') {
    return new PimcpError(ErrorCode.DeadlineExceeded, `${what} did not answer in time: ${message}`);
  }
  return new PimcpError(ErrorCode.NodeUnavailable, `${what}: the bridged server's connection failed (${message}); retry shortly`);
}
