/** The one place where etcd3/gRPC failures become PimcpErrors. */
import { ErrorCode, PimcpError } from '@pimcp/protocol';
import { ClientClosedError, isRecoverableError } from 'etcd3';

export function toStoreError(error: unknown, hosts: string[], action: string): PimcpError {
  if (error instanceof PimcpError) return error;
  const cause = error instanceof Error ? error.message : String(error);
  if (isUnavailable(error)) {
    return new PimcpError(ErrorCode.StoreUnavailable,
      `etcd at ${hosts.join(', ')} is unavailable while ${action} (${cause}); check that etcd is running and `
      + 'reachable, and that the registry\'s etcd hosts setting lists its client URLs');
  }
  return new PimcpError(ErrorCode.Internal, `etcd at ${hosts.join(', ')} rejected ${action}: ${cause}`);
}

export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return isRecoverableError(error)
    || error instanceof ClientClosedError
    // cockatiel's open circuit: every host failed recently.
    || (error as { isBrokenCircuitError?: boolean }).isBrokenCircuitError === true
    || /ECONNREFUSED|No connection established|UNAVAILABLE|DEADLINE_EXCEEDED/.test(error.message);
}

export function isCompactedError(error: unknown): boolean {
  return error instanceof Error && error.message.includes('required revision has been compacted');
}
