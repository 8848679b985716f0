import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { ErrorCode, errorHttpStatus, PimcpError } from '@pimcp/protocol';
import type { Response } from 'express';

/** Maps every error leaving the admin HTTP API to a status and a PimcpErrorBody. */
@Catch()
export class PimcpHttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(PimcpHttpExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const error = this.toPimcpError(exception);
    res.status(error.status).json(error.body);
  }

  private toPimcpError(exception: unknown) {
    if (exception instanceof PimcpError) {
      return { status: errorHttpStatus[exception.code], body: exception.toBody() };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = status >= 500 ? ErrorCode.Internal : ErrorCode.InvalidRequest;
      return { status, body: new PimcpError(code, exception.message).toBody() };
    }
    this.logger.error(`unexpected error: ${(exception as Error)?.stack ?? String(exception)}`);
    return { status: 500, body: new PimcpError(ErrorCode.Internal, 'internal error; see the registry log').toBody() };
  }
}
