import { ErrorCode } from './error-code';

export interface FieldProblem {
  /** Dotted path to the offending field, e.g. `capabilities[2].inputSchema`. */
  path: string;
  message: string;
}

export interface PimcpErrorBody {
  code: ErrorCode;
  message: string;
  retryable: boolean;
  problems?: FieldProblem[];
}

const RETRYABLE = new Set<ErrorCode>([ErrorCode.StoreUnavailable, ErrorCode.RegistryUnavailable, ErrorCode.NodeUnavailable]);

/** An error whose code, message and field problems are safe to send to a caller. */
export class PimcpError extends Error {
  readonly retryable: boolean;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly problems: FieldProblem[] = [],
  ) {
    super(message);
    this.name = 'PimcpError';
    this.retryable = RETRYABLE.has(code);
  }

  toBody(): PimcpErrorBody {
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...(this.problems.length > 0 ? { problems: this.problems } : {}),
    };
  }

  /** Rebuilds an error received over a link; anything unrecognised becomes INTERNAL. */
  static fromBody(body: unknown): PimcpError {
    const b = body as Partial<PimcpErrorBody> | undefined;
    const known = Object.values(ErrorCode) as string[];
    if (b && typeof b.code === 'string' && known.includes(b.code) && typeof b.message === 'string') {
      return new PimcpError(b.code as ErrorCode, b.message, Array.isArray(b.problems) ? b.problems : []);
    }
    return new PimcpError(ErrorCode.Internal, 'unrecognised error from remote service');
  }
}
