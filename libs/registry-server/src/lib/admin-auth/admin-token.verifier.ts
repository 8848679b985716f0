import { createPublicKey, type KeyObject } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { ErrorCode, PimcpError } from '@pimcp/protocol';
import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from 'jose';

/** Asymmetric JWS algorithms only: `none` and HS* (which a public key would turn into algorithm confusion) never. */
export const ADMIN_JWT_ALGORITHMS = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA'] as const;

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

const MAX_TOKEN_LENGTH = 16 * 1024;

/**
 * Verifies admin bearer JWTs (the gateway's client-token rules, which registry-server may not import): signature by a
 * key or JWKS, an allowlist of asymmetric algorithms, exp/nbf, issuer and audience. Refusals never echo the token.
 */
export class AdminTokenVerifier {
  private readonly logger = new Logger(AdminTokenVerifier.name);
  private readonly key: KeyObject | ReturnType<typeof createRemoteJWKSet>;
  private readonly algorithms: string[];

  constructor(private readonly options: AdminTokenVerifierOptions) {
    this.algorithms = [...options.algorithms];
    const refused = this.algorithms.filter((alg) => !(ADMIN_JWT_ALGORITHMS as readonly string[]).includes(alg));
    if (refused.length > 0 || this.algorithms.length === 0) {
      throw new Error(`JWT algorithms ${refused.join(', ') || '(none given)'} are not allowed; use asymmetric ones: ${ADMIN_JWT_ALGORITHMS.join(', ')}`);
    }
    if (options.jwksUrl) {
      this.key = createRemoteJWKSet(new URL(options.jwksUrl), { cooldownDuration: 30_000, timeoutDuration: 5000 });
    } else if (options.publicKeyPem) {
      this.key = createPublicKey(options.publicKeyPem);
      if (this.key.type !== 'public') throw new Error('the admin token verification key must be a public key');
    } else {
      throw new Error('an admin token verification key is required: a PEM public key or a JWKS URL');
    }
  }

  /** The token's subject and scopes; an UNAUTHENTICATED PimcpError saying what is wrong otherwise. */
  async verify(token: string): Promise<AdminPrincipal> {
    if (token.length > MAX_TOKEN_LENGTH) throw refused('token too long');
    let claims: JWTPayload;
    try {
      const verified = await jwtVerify(token, this.key as KeyObject, {
        algorithms: this.algorithms,
        issuer: this.options.issuer,
        audience: this.options.audience,
        clockTolerance: this.options.clockToleranceSeconds ?? 30,
        requiredClaims: ['sub', 'exp'],
      });
      claims = verified.payload;
    } catch (err) {
      throw refused(this.describe(err));
    }
    return { subject: claims.sub as string, scopes: scopesOf(claims) };
  }

  /** What was wrong, in words safe to send back: jose's error classes, never the token or its contents. */
  private describe(err: unknown): string {
    if (err instanceof errors.JWTExpired) return 'token expired';
    if (err instanceof errors.JWTClaimValidationFailed) {
      if (err.claim === 'nbf') return 'token not yet valid';
      if (err.claim === 'iss') return `token from an untrusted issuer (expected ${this.options.issuer})`;
      if (err.claim === 'aud') return `token not issued for the registry (audience must be ${this.options.audience})`;
      return `token claim "${err.claim}" missing or invalid`;
    }
    if (err instanceof errors.JOSEAlgNotAllowed) return `signature algorithm not allowed; use ${this.algorithms.join(' or ')}`;
    if (err instanceof errors.JWSSignatureVerificationFailed) return 'signature invalid';
    if (err instanceof errors.JWKSNoMatchingKey) return 'no trusted key matches the token';
    if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid || err instanceof errors.JOSENotSupported) return 'malformed or unsupported token';
    if (this.options.jwksUrl) {
      this.logger.warn(`admin JWKS at ${this.options.jwksUrl} unusable: ${(err as Error).message}`);
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

function refused(reason: string): PimcpError {
  return new PimcpError(ErrorCode.Unauthenticated, `admin token refused: ${reason}`);
}
