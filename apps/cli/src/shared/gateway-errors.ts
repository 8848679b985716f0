import { ProtocolError, SdkError, SdkErrorCode, SdkHttpError } from '@modelcontextprotocol/client';
import { CliError } from './cli-error';
import { describeBody, httpRefusal, isNetworkError, unreachable } from './service-errors';

/** Maps what the MCP client throws to a CliError; anything unknown stays as it is. */
export function gatewayError(url: URL, error: unknown): unknown {
  if (error instanceof CliError) return error;
  if (isNetworkError(error)) return unreachable('gateway', url, error);
  if (error instanceof SdkHttpError) return httpRefusal('gateway', url, error.status, describeBody(typeof error.data.text === 'string' ? error.data.text : undefined));
  if (error instanceof SdkError && error.code === SdkErrorCode.RequestTimeout) {
    return CliError.failure('the gateway did not answer in time; raise --timeout, or check the node with `pimcp nodes list`');
  }
  if (error instanceof ProtocolError) return CliError.failure(error.message);
  return error;
}
