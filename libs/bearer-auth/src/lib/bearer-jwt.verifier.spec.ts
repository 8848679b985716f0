import { createHmac, generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { BearerJwtRefused } from './bearer-jwt-refused.error';
import { BearerJwtVerifier } from './bearer-jwt.verifier';

const ISSUER = 'https://idp.example.test';

describe(BearerJwtVerifier.name, () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  let audience = 'https://a.example.test/mcp';
  const verifier = new BearerJwtVerifier({ publicKeyPem, issuer: ISSUER, audience: () => audience, algorithms: ['ES256'] });
  const sign = (claims: Record<string, unknown> = {}, over: { iss?: string; aud?: string; exp?: number; nbf?: number; sub?: string | null } = {}) => {
    const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'ES256' }).setIssuer(over.iss ?? ISSUER).setAudience(over.aud ?? audience)
      .setIssuedAt().setExpirationTime(over.exp ?? Math.floor(Date.now() / 1000) + 300);
    if (over.sub !== null) jwt.setSubject(over.sub ?? 'alice');
    if (over.nbf !== undefined) jwt.setNotBefore(over.nbf);
    return jwt.sign(privateKey);
  };
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const reason = async (token: string): Promise<string> => {
    const error = await verifier.verify(token).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(BearerJwtRefused);
    expect((error as Error).message).not.toContain(token);
    return (error as BearerJwtRefused).reason;
  };

  it('returns the subject, the scopes (scope or scp) and the audience checked, read when verifying', async () => {
    expect(await verifier.verify(await sign({ scope: 'tools:* context:read' }))).toMatchObject({ subject: 'alice', scopes: ['tools:*', 'context:read'], audience });
    audience = 'https://b.example.test/mcp';
    expect((await verifier.verify(await sign({ scp: ['x', 1] }))).scopes).toEqual(['x']);
  });

  it.each([
    ['expired', () => sign({}, { exp: Math.floor(Date.now() / 1000) - 120 }), 'token expired'],
    ['not yet valid', () => sign({}, { nbf: Math.floor(Date.now() / 1000) + 300 }), 'token not yet valid'],
    ['from another issuer', () => sign({}, { iss: 'https://evil.example.test' }), `untrusted issuer (expected ${ISSUER})`],
    ['for another audience', () => sign({}, { aud: 'https://elsewhere.example.test' }), 'audience must be'],
    ['without a subject', () => sign({}, { sub: null }), 'claim "sub"'],
  ])('refuses a token %s, saying so', async (_name, make, expected) => {
    expect(await reason(await make())).toContain(expected);
  });

  it('refuses alg none and HS256 keyed with the public key (algorithm confusion)', async () => {
    const claims = { iss: ISSUER, aud: audience, sub: 'mallory', exp: Math.floor(Date.now() / 1000) + 300 };
    expect(await reason(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`)).toContain('algorithm not allowed');
    const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
    const mac = createHmac('sha256', publicKeyPem).update(body).digest('base64url');
    expect(await reason(`${body}.${mac}`)).toContain('algorithm not allowed');
  });

  it('refuses a token signed by another key, garbage and an oversized token', async () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const forged = await new SignJWT({}).setProtectedHeader({ alg: 'ES256' }).setIssuer(ISSUER).setAudience(audience).setSubject('m')
      .setExpirationTime('5m').sign(other);
    expect(await reason(forged)).toBe('signature invalid');
    expect(await reason('not.a.jwt')).toBe('malformed or unsupported token');
    expect(await reason('a'.repeat(20_000))).toBe('token too long');
  });

  it('reports an unreachable JWKS as keys that could not be fetched, through warn', async () => {
    const warnings: string[] = [];
    const jwks = new BearerJwtVerifier({ jwksUrl: 'http://127.0.0.1:9/jwks.json', issuer: ISSUER, audience, algorithms: ['ES256'], warn: (m) => warnings.push(m) });
    await expect(jwks.verify(await sign())).rejects.toThrow('the signing keys could not be fetched');
    expect(warnings).toHaveLength(1);
  });

  it('refuses to be configured with symmetric or unknown algorithms, or without a key', () => {
    expect(() => new BearerJwtVerifier({ publicKeyPem, issuer: ISSUER, audience, algorithms: ['HS256'] })).toThrow('not allowed');
    expect(() => new BearerJwtVerifier({ publicKeyPem, issuer: ISSUER, audience, algorithms: [] })).toThrow('not allowed');
    expect(() => new BearerJwtVerifier({ issuer: ISSUER, audience, algorithms: ['ES256'] })).toThrow('a JWT verification key is required');
  });
});
