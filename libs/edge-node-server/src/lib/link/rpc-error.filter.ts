import { Catch, Logger, type RpcExceptionFilter } from '@nestjs/common';
import { ErrorCode, PimcpError, type PimcpErrorBody } from '@pimcp/protocol';
import { type Observable, throwError } from 'rxjs';

/** Sends invocation failures to the gateway as PimcpErrorBody, never as Nest's generic "Internal server error". */
@Catch()
export class NodeLinkErrorFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger(NodeLinkErrorFilter.name);

  catch(exception: unknown): Observable<PimcpErrorBody> {
    if (exception instanceof PimcpError) return throwError(() => exception.toBody());
    this.logger.error(`unexpected error on the node link: ${(exception as Error)?.stack ?? String(exception)}`);
    return throwError(() => new PimcpError(ErrorCode.Internal, 'internal error on the node; see its log').toBody());
  }
}
