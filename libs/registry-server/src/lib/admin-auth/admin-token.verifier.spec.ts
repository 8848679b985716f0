import { createHmac, generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCode, PimcpError } from '@pimcp/protocol';
import { exportJWK, SignJWT } from 'jose';
import { AdminTokenVerifier } from './admin-token.verifier';

const ISSUER = 'https://idp.example.test';
const AUDIENCE = 'pimcp-registry';

describe(AdminTokenVerifier.name, () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const verifier = new AdminTokenVerifier({ publicKeyPem, issuer: ISSUER, audience: AUDIENCE, algorithms: ['ES256', 'RS256', 'EdDSA'] });
  const sign = (claims: Record<string, unknown> = {}, over: { iss?: string; aud?: string; exp?: string | number } = {}) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'ES256' }).setIssuer(over.iss ?? ISSUER).setAudience(over.aud ?? AUDIENCE)
      .setSubject('ops-bot').setIssuedAt().setExpirationTime(over.exp ?? '5m').sign(privateKey);
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claims = () => ({ iss: ISSUER, aud: AUDIENCE, sub: 'mallory', exp: Math.floor(Date.now() / 1000) + 300, scope: 'registry:admin' });

  /** The refusal's message, asserting it is UNAUTHENTICATED and never contains the token. */
  const refusal = async (token: string): Promise<string> => {
    const error = await verifier.verify(token).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(PimcpError);
    expect((error as PimcpError).code).toBe(ErrorCode.Unauthenticated);
    expect((error as PimcpError).message).not.toContain(token);
    return (error as PimcpError).message;
  };

  describe('verify', () => {
    it('accepts a valid token and returns its subject and scopes (scope or scp)', async () => {
      expect(await verifier.verify(await sign({ scope: 'registry:read  other' }))).toEqual({ subject: 'ops-bot', scopes: ['registry:read', 'other'] });
      expect((await verifier.verify(await sign({ scp: ['registry:admin', 3] }))).scopes).toEqual(['registry:admin']);
    });

    it('refuses an expired token', async () => {
      expect(await refusal(await sign({}, { exp: Math.floor(Date.now() / 1000) - 120 }))).toContain('token expired');
    });

    it('refuses a token from another issuer, naming the expected one', async () => {
      expect(await refusal(await sign({}, { iss: 'https://evil.example.test' }))).toContain(`untrusted issuer (expected ${ISSUER})`);
    });

    it('refuses a token for another audience', async () => {
      expect(await refusal(await sign({}, { aud: 'https://mcp.example.test/mcp' }))).toContain('audience must be pimcp-registry');
    });

    it('refuses an unsigned token (alg none)', async () => {
      const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`;
      expect(await refusal(unsigned)).toMatch(/algorithm not allowed|malformed/);
    });

    it('refuses an HS256 token keyed with the public key (algorithm confusion)', async () => {
      const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims())}`;
      const forged = `${input}.${createHmac('sha256', publicKeyPem).update(input).digest('base64url')}`;
      expect(await refusal(forged)).toContain('signature algorithm not allowed; use ES256 or RS256 or EdDSA');
    });

    it('refuses a token signed by another key', async () => {
      const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
      const token = await new SignJWT({}).setProtectedHeader({ alg: 'ES256' }).setIssuer(ISSUER).setAudience(AUDIENCE).setSubject('x').setExpirationTime('5m').sign(other);
      expect(await refusal(token)).toContain('signature invalid');
    });

    it('refuses garbage and an oversized token', async () => {
      expect(await refusal('not-a-jwt')).toContain('malformed');
      expect(await refusal('a'.repeat(20_000))).toContain('token too long');
    });
  });

  describe('verify with a JWKS URL', () => {
    it('accepts a token whose kid the JWKS holds, and says when the keys cannot be fetched', async () => {
      const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
      const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
      try {
        const viaJwks = new AdminTokenVerifier({ jwksUrl: url, issuer: ISSUER, audience: AUDIENCE, algorithms: ['ES256'] });
        const token = await new SignJWT({ scope: 'registry:admin' }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer(ISSUER)
          .setAudience(AUDIENCE).setSubject('ops-bot').setExpirationTime('5m').sign(privateKey);
        expect(await viaJwks.verify(token)).toEqual({ subject: 'ops-bot', scopes: ['registry:admin'] });
        const unreachable = new AdminTokenVerifier({ jwksUrl: 'http://127.0.0.1:1/jwks', issuer: ISSUER, audience: AUDIENCE, algorithms: ['ES256'] });
        await expect(unreachable.verify(token)).rejects.toThrow('admin token refused: the signing keys could not be fetched');
      } finally {
        server.close();
      }
    });
  });

  it('refuses to be configured with none, HS* or nothing to verify with', () => {
    for (const algorithms of [['none'], ['HS256'], []]) {
      expect(() => new AdminTokenVerifier({ publicKeyPem, issuer: ISSUER, audience: AUDIENCE, algorithms })).toThrow(/not allowed; use asymmetric ones/);
    }
    expect(() => new AdminTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, algorithms: ['ES256'] })).toThrow(/PEM public key or a JWKS URL/);
  });
});
