import { Logger } from '@nestjs/common';
import { BearerJwtRefused, BearerJwtVerifier } from '@pimcp/bearer-auth';
import { ErrorCode, PimcpError } from '@pimcp/protocol';

export interface AdminTokenVerifierOptions {
  /** A PEM public key (SPKI)... */
  publicKeyPem?: string;
  /** ...or the identity provider's JWKS: cached, fetched again when a token names an unknown kid (rotation). */
  jwksUrl?: string;
  algorithms: readonly string[];
  issuer: string;
  audience: string;
  /** Tolerated clock difference on exp and nbf (default 30 s). */
  clockToleranceSeconds?: number;
}

/** Who called the admin API, as far as the registry needs to know. */
export interface AdminPrincipal {
  subject: string;
  scopes: readonly string[];
}

/** Verifies admin bearer JWTs with the gateway's rules (@pimcp/bearer-auth); refusals are UNAUTHENTICATED. */
export class AdminTokenVerifier {
  private readonly logger = new Logger(AdminTokenVerifier.name);
  private readonly jwt: BearerJwtVerifier;

  constructor(options: AdminTokenVerifierOptions) {
    this.jwt = new BearerJwtVerifier({ ...options, warn: (message) => this.logger.warn(message) });
  }

  /** The token's subject and scopes; an UNAUTHENTICATED PimcpError saying what is wrong otherwise. */
  async verify(token: string): Promise<AdminPrincipal> {
    try {
      const { subject, scopes } = await this.jwt.verify(token);
      return { subject, scopes };
    } catch (err) {
      if (err instanceof BearerJwtRefused) throw new PimcpError(ErrorCode.Unauthenticated, `admin token refused: ${err.reason}`);
      throw err;
    }
  }
}
