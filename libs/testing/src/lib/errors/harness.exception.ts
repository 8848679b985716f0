export enum HarnessErrorCode {
  BinaryMissing = 'BINARY_MISSING',
  PortInUse = 'PORT_IN_USE',
  ProcessExited = 'PROCESS_EXITED',
  StartupTimeout = 'STARTUP_TIMEOUT',
  PollTimeout = 'POLL_TIMEOUT',
  AlreadyStopped = 'ALREADY_STOPPED',
}

// Only a lost port race is worth retrying: every other code means the
// machine or the test is set up wrong, and a retry would only hide it.
const RETRYABLE = {
  [HarnessErrorCode.BinaryMissing]: false,
  [HarnessErrorCode.PortInUse]: true,
  [HarnessErrorCode.ProcessExited]: false,
  [HarnessErrorCode.StartupTimeout]: false,
  [HarnessErrorCode.PollTimeout]: false,
  [HarnessErrorCode.AlreadyStopped]: false,
} satisfies Record<HarnessErrorCode, boolean>;

export class HarnessException extends Error {
  readonly retryable: boolean;

  constructor(
    readonly code: HarnessErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = HarnessException.name;
    this.retryable = RETRYABLE[code];
  }
}
