/** Exit codes scripts can rely on; README "CLI" lists the same table. */
export enum ExitCode {
  Ok = 0,
  /** The tool reported an error, or the service refused the request (unknown node, failed compare-and-set). */
  Failure = 1,
  /** The command line is wrong: unknown command or option, a value that does not parse or fit the tool's schema. */
  Usage = 2,
  /** Nothing answered at the gateway or registry URL, or it is not a PiMCP service. */
  Unreachable = 3,
  /** The service refused the credentials (missing, expired or wrong token; insufficient scope). */
  AuthRefused = 4,
}

export const EXIT_CODE_MEANINGS = {
  [ExitCode.Ok]: 'success',
  [ExitCode.Failure]: 'the tool or the service reported a failure',
  [ExitCode.Usage]: 'usage error: a wrong command, option or value',
  [ExitCode.Unreachable]: 'cannot reach the gateway or registry',
  [ExitCode.AuthRefused]: 'the credentials were refused',
} satisfies Record<ExitCode, string>;

/** A failure the CLI explains itself: the message says what to do, the code is the process exit code. */
export class CliError extends Error {
  constructor(readonly exitCode: ExitCode, message: string) {
    super(message);
    this.name = 'CliError';
  }

  static usage(message: string): CliError {
    return new CliError(ExitCode.Usage, message);
  }

  static failure(message: string): CliError {
    return new CliError(ExitCode.Failure, message);
  }
}
