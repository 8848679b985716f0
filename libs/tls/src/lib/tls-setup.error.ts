/** TLS settings that cannot be used: a missing file, a key that does not match its certificate, a half-set pair. */
export class TlsSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TlsSetupError';
  }
}
