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
  /** The call never started on the node (refused before it ran, or never sent): safe to try elsewhere. */
  notRun?: boolean;
}

const RETRYABLE = new Set<ErrorCode>([ErrorCode.StoreUnavailable, ErrorCode.RegistryUnavailable, ErrorCode.NodeUnavailable]);

/** An error whose code, message and field problems are safe to send to a caller. */
export class PimcpError extends Error {
  readonly retryable: boolean;
  /** Set where it is certain the call did not start, e.g. a node refusing it at the door (see notStarted). */
  notRun = false;

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
      ...(this.notRun ? { notRun: true } : {}),
    };
  }

  /** Marks this error as one from a call that never started (the router may then retry it on another node). */
  notStarted(): this {
    this.notRun = true;
    return this;
  }

  /** Rebuilds an error received over a link; anything unrecognised becomes INTERNAL. */
  static fromBody(body: unknown): PimcpError {
    const b = body as Partial<PimcpErrorBody> | undefined;
    const known = Object.values(ErrorCode) as string[];
    if (b && typeof b.code === 'string' && known.includes(b.code) && typeof b.message === 'string') {
      const error = new PimcpError(b.code as ErrorCode, b.message, Array.isArray(b.problems) ? b.problems : []);
      return b.notRun === true ? error.notStarted() : error;
    }
    return new PimcpError(ErrorCode.Internal, 'unrecognised error from remote service');
  }
}
