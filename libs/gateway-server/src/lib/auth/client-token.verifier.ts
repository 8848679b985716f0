import { Logger } from '@nestjs/common';
import { type AuthInfo, OAuthError, OAuthErrorCode, type OAuthTokenVerifier } from '@modelcontextprotocol/server';
import { BearerJwtRefused, BearerJwtVerifier } from '@pimcp/bearer-auth';

export interface ClientTokenVerifierOptions {
  /** A PEM public key (SPKI or certificate)... */
  publicKeyPem?: string;
  /** ...or the identity provider's JWKS: cached, and fetched again when a token names an unknown kid (rotation). */
  jwksUrl?: string;
  /** Least seconds between two JWKS fetches (default 30). */
  jwksCooldownSeconds?: number;
  /** Default ['ES256']. */
  algorithms?: readonly string[];
  issuer: string;
  /** The gateway's canonical URL: a token for another resource is refused. A function when known only after binding. */
  audience: string | (() => string);
  /** Tolerated clock difference on exp and nbf (default 30 s). */
  clockToleranceSeconds?: number;
}

/**
 * Verifies client bearer JWTs with the shared rules of @pimcp/bearer-auth (key or JWKS, asymmetric algorithms,
 * exp/nbf, issuer, audience equal to the canonical URL) and answers in the MCP SDK's OAuth terms.
 */
export class ClientTokenVerifier implements OAuthTokenVerifier {
  private readonly logger = new Logger(ClientTokenVerifier.name);
  private readonly jwt: BearerJwtVerifier;

  constructor(options: ClientTokenVerifierOptions) {
    this.jwt = new BearerJwtVerifier({ ...options, algorithms: options.algorithms ?? ['ES256'], warn: (message) => this.logger.warn(message) });
  }

  async verifyAccessToken(token: string): Promise<AuthInfo> {
    let verified;
    try {
      verified = await this.jwt.verify(token);
    } catch (err) {
      if (err instanceof BearerJwtRefused) throw new OAuthError(OAuthErrorCode.InvalidToken, err.reason);
      throw err;
    }
    const { claims, scopes, audience, subject } = verified;
    const clientId = [claims['client_id'], claims['azp']].find((v): v is string => typeof v === 'string') ?? subject;
    return {
      token,
      clientId,
      scopes,
      expiresAt: claims.exp as number,
      resource: new URL(audience),
      extra: { subject, issuer: claims.iss },
    };
  }
}
