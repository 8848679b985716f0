import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { ClientTokenVerifier } from './client-token.verifier';

describe(ClientTokenVerifier.name, () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const audience = 'https://mcp.example.test/mcp';
  const verifier = new ClientTokenVerifier({ publicKeyPem, issuer: 'https://idp.example.test', audience });
  const sign = (claims: Record<string, unknown>) => new SignJWT(claims).setProtectedHeader({ alg: 'ES256' }).setIssuer('https://idp.example.test')
    .setAudience(audience).setSubject('alice').setIssuedAt().setExpirationTime('5m').sign(privateKey);

  it('refuses to be configured with none, HS* or nothing to verify with', () => {
    for (const algorithms of [['none'], ['HS256'], ['ES256', 'HS512'], []]) {
      expect(() => new ClientTokenVerifier({ publicKeyPem, issuer: 'x', audience, algorithms })).toThrow(/not allowed; use asymmetric ones/);
    }
    expect(() => new ClientTokenVerifier({ issuer: 'x', audience })).toThrow(/PEM public key or a JWKS URL/);
  });

  it('reads scopes from scope, or from scp as a string or an array (Entra ID)', async () => {
    expect((await verifier.verifyAccessToken(await sign({ scope: 'tools:a  context:read' }))).scopes).toEqual(['tools:a', 'context:read']);
    expect((await verifier.verifyAccessToken(await sign({ scp: 'tools:b' }))).scopes).toEqual(['tools:b']);
    expect((await verifier.verifyAccessToken(await sign({ scp: ['tools:c', 7] }))).scopes).toEqual(['tools:c']);
    const auth = await verifier.verifyAccessToken(await sign({ azp: 'cli-app' }));
    expect(auth).toMatchObject({ clientId: 'cli-app', scopes: [], extra: { subject: 'alice', issuer: 'https://idp.example.test' } });
  });

  it('refuses an oversized token before parsing it', async () => {
    await expect(verifier.verifyAccessToken('a'.repeat(20_000))).rejects.toThrow('token too long');
  });
});
