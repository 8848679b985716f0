import { createPublicKey, type KeyObject } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { type AuthInfo, OAuthError, OAuthErrorCode, type OAuthTokenVerifier } from '@modelcontextprotocol/server';
import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from 'jose';

/** Asymmetric JWS algorithms only: `none` and HS* (which a public key would turn into algorithm confusion) never. */
export const ALLOWED_JWT_ALGORITHMS = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA'] as const;

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

const MAX_TOKEN_LENGTH = 16 * 1024;

/**
 * Verifies client bearer JWTs: signature by a configured key or JWKS, an allowlist of asymmetric algorithms, exp and
 * nbf with a small skew, issuer, and audience equal to the canonical URL. Error descriptions never echo the token.
 */
export class ClientTokenVerifier implements OAuthTokenVerifier {
  private readonly logger = new Logger(ClientTokenVerifier.name);
  private readonly key: KeyObject | ReturnType<typeof createRemoteJWKSet>;
  private readonly algorithms: string[];

  constructor(private readonly options: ClientTokenVerifierOptions) {
    this.algorithms = [...(options.algorithms ?? ['ES256'])];
    const refused = this.algorithms.filter((alg) => !(ALLOWED_JWT_ALGORITHMS as readonly string[]).includes(alg));
    if (refused.length > 0 || this.algorithms.length === 0) {
      throw new Error(`JWT algorithms ${refused.join(', ') || '(none given)'} are not allowed; use asymmetric ones: ${ALLOWED_JWT_ALGORITHMS.join(', ')}`);
    }
    if (options.jwksUrl) {
      this.key = createRemoteJWKSet(new URL(options.jwksUrl), { cooldownDuration: (options.jwksCooldownSeconds ?? 30) * 1000, timeoutDuration: 5000 });
    } else if (options.publicKeyPem) {
      this.key = createPublicKey(options.publicKeyPem);
      if (this.key.type !== 'public') throw new Error('the JWT verification key must be a public key');
    } else {
      throw new Error('a JWT verification key is required: a PEM public key or a JWKS URL');
    }
  }

  async verifyAccessToken(token: string): Promise<AuthInfo> {
    const audience = typeof this.options.audience === 'function' ? this.options.audience() : this.options.audience;
    if (token.length > MAX_TOKEN_LENGTH) throw invalid('token too long');
    let claims: JWTPayload;
    try {
      const verified = await jwtVerify(token, this.key as KeyObject, {
        algorithms: this.algorithms,
        issuer: this.options.issuer,
        audience,
        clockTolerance: this.options.clockToleranceSeconds ?? 30,
        requiredClaims: ['sub', 'exp'],
      });
      claims = verified.payload;
    } catch (err) {
      throw invalid(this.describe(err));
    }
    const scopes = scopesOf(claims);
    const clientId = [claims['client_id'], claims['azp']].find((v): v is string => typeof v === 'string') ?? (claims.sub as string);
    return {
      token,
      clientId,
      scopes,
      expiresAt: claims.exp as number,
      resource: new URL(audience),
      extra: { subject: claims.sub, issuer: claims.iss },
    };
  }

  /** What was wrong, in words safe to send back: jose's codes, never the token or its contents. */
  private describe(err: unknown): string {
    if (err instanceof errors.JWTExpired) return 'token expired';
    if (err instanceof errors.JWTClaimValidationFailed) {
      if (err.claim === 'nbf') return 'token not yet valid';
      if (err.claim === 'iss') return 'token from an untrusted issuer';
      if (err.claim === 'aud') return 'token not issued for this resource (audience)';
      return `token claim "${err.claim}" missing or invalid`;
    }
    if (err instanceof errors.JOSEAlgNotAllowed) return `signature algorithm not allowed; use ${this.algorithms.join(' or ')}`;
    if (err instanceof errors.JWSSignatureVerificationFailed) return 'signature invalid';
    if (err instanceof errors.JWKSNoMatchingKey) return 'no trusted key matches the token';
    if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid || (err instanceof errors.JOSEError && err.code === 'ERR_JOSE_GENERIC')) {
      this.logger.warn(`JWKS at ${this.options.jwksUrl} unusable: ${(err as Error).message}`);
      return 'the signing keys could not be fetched';
    }
    if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid || err instanceof errors.JOSENotSupported) return 'malformed or unsupported token';
    if (this.options.jwksUrl && !(err instanceof errors.JOSEError)) {
      this.logger.warn(`JWKS at ${this.options.jwksUrl} unreachable: ${(err as Error).message}`);
      return 'the signing keys could not be fetched';
    }
    return 'token rejected';
  }
}

/** `scope` (RFC 9068, space-separated); `scp` as Entra ID and some others send it (a string or an array). */
function scopesOf(claims: JWTPayload): string[] {
  const raw = claims['scope'] ?? claims['scp'];
  const list = Array.isArray(raw) ? raw.filter((s): s is string => typeof s === 'string') : typeof raw === 'string' ? raw.split(' ') : [];
  return list.filter((s) => s.length > 0);
}

function invalid(description: string): OAuthError {
  return new OAuthError(OAuthErrorCode.InvalidToken, description);
}
