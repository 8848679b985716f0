import { createPublicKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from 'jose';
import { BearerJwtRefused } from './bearer-jwt-refused.error';
import { scopesOf } from './scopes-of';

/** Asymmetric JWS algorithms only: `none` and HS* (which a public key would turn into algorithm confusion) never. */
export const ALLOWED_JWT_ALGORITHMS = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA'] as const;

/** One allowed algorithm name, for settings that list them (PIMCP_GATEWAY_JWT_ALGORITHMS, PIMCP_REGISTRY_ADMIN_ALGORITHMS). */
export const JWT_ALGORITHM_PATTERN = new RegExp(`^(${ALLOWED_JWT_ALGORITHMS.join('|')})$`);

export interface BearerJwtVerifierOptions {
  /** A PEM public key (SPKI or certificate)... */
  publicKeyPem?: string;
  /** ...or the identity provider's JWKS: cached, and fetched again when a token names an unknown kid (rotation). */
  jwksUrl?: string;
  /** Least seconds between two JWKS fetches (default 30). */
  jwksCooldownSeconds?: number;
  /** Allowed algorithms, a subset of ALLOWED_JWT_ALGORITHMS. */
  algorithms: readonly string[];
  issuer: string;
  /** The audience a token must carry; a function when it is known only later (a gateway bound to port 0). */
  audience: string | (() => string);
  /** Tolerated clock difference on exp and nbf (default 30 s). */
  clockToleranceSeconds?: number;
  /** Where an unusable JWKS is reported (never with a token). */
  warn?: (message: string) => void;
}

export interface VerifiedBearerJwt {
  subject: string;
  scopes: string[];
  /** The audience it was checked against. */
  audience: string;
  claims: JWTPayload;
}

const MAX_TOKEN_LENGTH = 16 * 1024;

/**
 * The one set of rules for bearer JWTs, shared by the gateway (client tokens) and the registry (admin tokens):
 * signature by a configured key or JWKS, an allowlist of asymmetric algorithms, exp and nbf with a small skew,
 * issuer, audience, `sub` and `exp` required. A refusal says what was wrong and never echoes the token.
 */
export class BearerJwtVerifier {
  private readonly key: KeyObject | ReturnType<typeof createRemoteJWKSet>;
  private readonly algorithms: string[];

  constructor(private readonly options: BearerJwtVerifierOptions) {
    this.algorithms = [...options.algorithms];
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

  /** The verified token's subject, scopes and claims; BearerJwtRefused saying why otherwise. */
  async verify(token: string): Promise<VerifiedBearerJwt> {
    const audience = typeof this.options.audience === 'function' ? this.options.audience() : this.options.audience;
    if (token.length > MAX_TOKEN_LENGTH) throw new BearerJwtRefused('token too long');
    try {
      const { payload } = await jwtVerify(token, this.key as KeyObject, {
        algorithms: this.algorithms,
        issuer: this.options.issuer,
        audience,
        clockTolerance: this.options.clockToleranceSeconds ?? 30,
        requiredClaims: ['sub', 'exp'],
      });
      return { subject: payload.sub as string, scopes: scopesOf(payload), audience, claims: payload };
    } catch (err) {
      throw new BearerJwtRefused(this.describe(err, audience));
    }
  }

  /** What was wrong, in words safe to send back: jose's error classes, never the token or its contents. */
  private describe(err: unknown, audience: string): string {
    if (err instanceof errors.JWTExpired) return 'token expired';
    if (err instanceof errors.JWTClaimValidationFailed) {
      if (err.claim === 'nbf') return 'token not yet valid';
      if (err.claim === 'iss') return `token from an untrusted issuer (expected ${this.options.issuer})`;
      if (err.claim === 'aud') return `token not issued for this resource (audience must be ${audience})`;
      return `token claim "${err.claim}" missing or invalid`;
    }
    if (err instanceof errors.JOSEAlgNotAllowed) return `signature algorithm not allowed; use ${this.algorithms.join(' or ')}`;
    if (err instanceof errors.JWSSignatureVerificationFailed) return 'signature invalid';
    if (err instanceof errors.JWKSNoMatchingKey) return 'no trusted key matches the token';
    if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid || (err instanceof errors.JOSEError && err.code === 'ERR_JOSE_GENERIC')) {
      return this.keysUnusable(err);
    }
    if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid || err instanceof errors.JOSENotSupported) return 'malformed or unsupported token';
    // A fetch failure (connection refused, DNS) is no JOSE error.
    if (this.options.jwksUrl && !(err instanceof errors.JOSEError)) return this.keysUnusable(err);
    return 'token rejected';
  }

  private keysUnusable(err: unknown): string {
    this.options.warn?.(`JWKS at ${this.options.jwksUrl} unusable: ${(err as Error).message}`);
    return 'the signing keys could not be fetched';
  }
}
