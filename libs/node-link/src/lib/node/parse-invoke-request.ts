import { ErrorCode, type InvokeRequest, PimcpError } from '@pimcp/protocol';
import { callerOf, isPlainObject, PayloadProblems } from './link-payload.checks';

const MAX_TOOL_LENGTH = 256;

/**
 * Checks an invoke message from the link before anything runs, and returns a typed copy.
 * Throws INVALID_REQUEST listing every problem; a gateway that sends these has a bug, not the caller.
 */
export function parseInvokeRequest(input: unknown): InvokeRequest {
  if (!isPlainObject(input)) throw new PimcpError(ErrorCode.InvalidRequest, 'invoke request must be a JSON object');
  const { requestId, tool, arguments: args, deadline, caller, meta, invocationToken } = input;
  const check = new PayloadProblems('invoke request');
  check.requestId(requestId);
  check.need(typeof tool === 'string' && tool.length > 0 && tool.length <= MAX_TOOL_LENGTH, 'tool', `must be a string of 1 to ${MAX_TOOL_LENGTH} characters`);
  check.need(args === undefined || isPlainObject(args), 'arguments', 'must be a JSON object');
  check.deadline(deadline);
  check.caller(caller);
  check.need(meta === undefined || isPlainObject(meta), 'meta', 'must be a JSON object when given');
  check.token(invocationToken);
  check.throwIfAny();
  return {
    requestId: requestId as string,
    tool: tool as string,
    arguments: (args ?? {}) as Record<string, unknown>,
    deadline: deadline as number,
    caller: callerOf(caller),
    ...(meta !== undefined ? { meta: meta as Record<string, unknown> } : {}),
    ...(typeof invocationToken === 'string' ? { invocationToken } : {}),
  };
}
