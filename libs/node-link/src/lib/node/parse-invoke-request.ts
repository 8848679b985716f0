import { ErrorCode, type FieldProblem, type InvokeRequest, PimcpError } from '@pimcp/protocol';

const MAX_ID_LENGTH = 128;
const MAX_TOOL_LENGTH = 256;

/**
 * Checks an invoke message from the link before anything runs, and returns a typed copy.
 * Throws INVALID_REQUEST listing every problem; a gateway that sends these has a bug, not the caller.
 */
export function parseInvokeRequest(input: unknown): InvokeRequest {
  if (!isPlainObject(input)) throw new PimcpError(ErrorCode.InvalidRequest, 'invoke request must be a JSON object');
  const problems: FieldProblem[] = [];
  const need = (ok: boolean, path: string, message: string) => {
    if (!ok) problems.push({ path, message });
  };
  const { requestId, tool, arguments: args, deadline, caller, meta } = input;
  need(typeof requestId === 'string' && requestId.length > 0 && requestId.length <= MAX_ID_LENGTH, 'requestId', `must be a string of 1 to ${MAX_ID_LENGTH} characters`);
  need(typeof tool === 'string' && tool.length > 0 && tool.length <= MAX_TOOL_LENGTH, 'tool', `must be a string of 1 to ${MAX_TOOL_LENGTH} characters`);
  need(args === undefined || isPlainObject(args), 'arguments', 'must be a JSON object');
  need(typeof deadline === 'number' && Number.isFinite(deadline), 'deadline', 'must be epoch milliseconds');
  need(isPlainObject(caller) && typeof caller['subject'] === 'string', 'caller.subject', 'must be a string');
  need(!isPlainObject(caller) || caller['clientId'] === undefined || typeof caller['clientId'] === 'string', 'caller.clientId', 'must be a string when given');
  need(meta === undefined || isPlainObject(meta), 'meta', 'must be a JSON object when given');
  if (problems.length > 0) {
    throw new PimcpError(ErrorCode.InvalidRequest, `invalid invoke request: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`, problems);
  }
  const who = caller as Record<string, unknown>;
  return {
    requestId: requestId as string,
    tool: tool as string,
    arguments: (args ?? {}) as Record<string, unknown>,
    deadline: deadline as number,
    caller: { subject: who['subject'] as string, ...(typeof who['clientId'] === 'string' ? { clientId: who['clientId'] } : {}) },
    ...(meta !== undefined ? { meta: meta as Record<string, unknown> } : {}),
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
