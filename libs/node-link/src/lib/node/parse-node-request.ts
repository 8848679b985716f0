import { ErrorCode, NODE_REQUEST_METHODS, type NodeRequest, type NodeRequestMethod, PimcpError } from '@pimcp/protocol';
import { callerOf, isPlainObject, PayloadProblems } from './link-payload.checks';

/** Checks a forwarded request (resources/read, prompts/get, completion/complete) before anything runs. */
export function parseNodeRequest(input: unknown): NodeRequest {
  if (!isPlainObject(input)) throw new PimcpError(ErrorCode.InvalidRequest, 'node request must be a JSON object');
  const { requestId, method, params, deadline, caller, invocationToken } = input;
  const check = new PayloadProblems('node request');
  check.requestId(requestId);
  check.need(NODE_REQUEST_METHODS.includes(method as NodeRequestMethod), 'method', `must be one of ${NODE_REQUEST_METHODS.join(', ')}`);
  check.need(isPlainObject(params), 'params', 'must be a JSON object');
  check.deadline(deadline);
  check.caller(caller);
  check.token(invocationToken);
  check.throwIfAny();
  return {
    requestId: requestId as string,
    method: method as NodeRequestMethod,
    params: params as Record<string, unknown>,
    deadline: deadline as number,
    caller: callerOf(caller),
    ...(typeof invocationToken === 'string' ? { invocationToken } : {}),
  };
}
