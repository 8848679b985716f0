import { Catch, Logger, type RpcExceptionFilter } from '@nestjs/common';
import { ErrorCode, PimcpError, type PimcpErrorBody } from '@pimcp/protocol';
import { type Observable, throwError } from 'rxjs';

/** Sends errors to nodes as PimcpErrorBody so the client can rebuild a typed PimcpError. */
@Catch()
export class PimcpRpcExceptionFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger(PimcpRpcExceptionFilter.name);

  catch(exception: unknown): Observable<PimcpErrorBody> {
    if (exception instanceof PimcpError) return throwError(() => exception.toBody());
    this.logger.error(`unexpected error: ${(exception as Error)?.stack ?? String(exception)}`);
    return throwError(() => new PimcpError(ErrorCode.Internal, 'internal error; see the registry log').toBody());
  }
}
