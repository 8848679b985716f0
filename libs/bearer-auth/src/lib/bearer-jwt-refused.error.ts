/** A bearer token that failed verification; `message` is safe to send back (it never holds the token). */
export class BearerJwtRefused extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'BearerJwtRefused';
  }
}
