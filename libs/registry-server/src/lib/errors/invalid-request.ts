import { type ValidationError } from '@nestjs/common';
import { ErrorCode, PimcpError } from '@pimcp/protocol';

/** ValidationPipe's exceptionFactory: one INVALID_REQUEST naming each bad field. */
export function invalidRequest(errors: ValidationError[]): PimcpError {
  const problems = errors.flatMap((e) => Object.values(e.constraints ?? {}).map((message) => ({ path: e.property, message })));
  return new PimcpError(ErrorCode.InvalidRequest, `invalid request: ${problems.map((p) => p.message).join('; ')}`, problems);
}
