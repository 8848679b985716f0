/** What BinaryResolver needs from the machine; a seam so install paths can be unit tested. */
export interface BinaryHost {
  /** Absolute path of an executable named `name`, or undefined. */
  which(name: string): string | undefined;
  isRoot(): boolean;
  /** Runs a command to completion; throws with its output on a non-zero exit. */
  run(command: string, args: string[]): void;
}
