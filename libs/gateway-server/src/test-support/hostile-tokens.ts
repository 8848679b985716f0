import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { type JWTPayload, SignJWT, UnsecuredJWT } from 'jose';

export interface TokenClaims {
  issuer: string;
  audience: string;
  subject?: string;
  scopes?: readonly string[];
}

/** Client tokens the way an identity provider (or an attacker) would make them, for the security tests. */
export class HostileTokens {
  private readonly foreignEcKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  private readonly rsaKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  private readonly trustedKey: KeyObject;

  constructor(trustedPrivateKeyPem: string, private readonly trustedPublicKeyPem: string) {
    this.trustedKey = createPrivateKey(trustedPrivateKeyPem);
  }

  /** A token the gateway should accept (then each variant below breaks one thing). */
  valid(claims: TokenClaims, overrides: { iat?: number; exp?: number; nbf?: number; kid?: string; key?: KeyObject } = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT(payload(claims))
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT', ...(overrides.kid ? { kid: overrides.kid } : {}) })
      .setIssuer(claims.issuer).setAudience(claims.audience).setSubject(claims.subject ?? 'alice')
      .setIssuedAt(overrides.iat ?? now).setExpirationTime(overrides.exp ?? now + 600);
    if (overrides.nbf !== undefined) jwt.setNotBefore(overrides.nbf);
    return jwt.sign(overrides.key ?? this.trustedKey);
  }

  expired(claims: TokenClaims): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return this.valid(claims, { iat: now - 7200, exp: now - 3600 });
  }

  notYetValid(claims: TokenClaims): Promise<string> {
    return this.valid(claims, { nbf: Math.floor(Date.now() / 1000) + 3600 });
  }

  wrongSignature(claims: TokenClaims): Promise<string> {
    return this.valid(claims, { key: this.foreignEcKey });
  }

  algNone(claims: TokenClaims): string {
    return new UnsecuredJWT(payload(claims)).setIssuer(claims.issuer).setAudience(claims.audience).setSubject(claims.subject ?? 'alice')
      .setIssuedAt().setExpirationTime('10m').encode();
  }

  /** Algorithm confusion: HMAC keyed with the trusted *public* key, which a naive verifier would accept. */
  hs256WithPublicKey(claims: TokenClaims): Promise<string> {
    return new SignJWT(payload(claims)).setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(claims.issuer).setAudience(claims.audience).setSubject(claims.subject ?? 'alice').setIssuedAt().setExpirationTime('10m')
      .sign(new TextEncoder().encode(this.trustedPublicKeyPem));
  }

  rs256(claims: TokenClaims): Promise<string> {
    return new SignJWT(payload(claims)).setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
      .setIssuer(claims.issuer).setAudience(claims.audience).setSubject(claims.subject ?? 'alice').setIssuedAt().setExpirationTime('10m')
      .sign(this.rsaKey);
  }
}

function payload(claims: TokenClaims): JWTPayload {
  return claims.scopes ? { scope: claims.scopes.join(' ') } : {};
}
