/**
 * An index file that cannot be used: torn, corrupt, or written for other settings. The index is refused
 * as a whole (no tool call on it succeeds) until the operator restores or removes the file.
 */
export class VectorFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VectorFileError';
  }
}
