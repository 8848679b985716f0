import { generateKeyPairSync } from 'node:crypto';
import { createLocalJWKSet, SignJWT } from 'jose';
import { ErrorCode, PimcpError } from '@pimcp/protocol';
import { argumentsHash, grantOfInvoke, grantOfNodeRequest } from './invocation-grant';
import { InvocationTokenSigner } from './invocation-token.signer';
import { InvocationTokenVerifier } from './invocation-token.verifier';
import { ReplayCache } from './replay-cache';

const caller = { subject: 'alice', clientId: 'desktop' };
const grant = grantOfInvoke({ tool: 'file.read', arguments: { path: 'a.txt', limit: 5 } });

function pem(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
}

async function setup(options: { now?: () => number; issuers?: string[] } = {}) {
  const now = options.now ?? Date.now;
  const signer = await InvocationTokenSigner.fromPem(pem(), { issuer: 'gw-1', maxTtlMs: 60_000 }, now);
  const replay = new ReplayCache({ maxEntries: 100, now });
  const verifier = new InvocationTokenVerifier({
    nodeId: 'pi-1', keys: createLocalJWKSet(signer.jwks()), issuers: options.issuers ?? ['gw-1'], clockSkewSeconds: 5, maxLifetimeSeconds: 300, replay, now,
  });
  return { signer, verifier, replay };
}

async function refusal(promise: Promise<unknown>): Promise<PimcpError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(PimcpError);
  return err as PimcpError;
}

describe('invocation tokens (signer and verifier)', () => {
  it('hashes arguments canonically: key order does not matter, values do', () => {
    expect(argumentsHash({ a: 1, b: { c: 2, d: 3 } })).toBe(argumentsHash({ b: { d: 3, c: 2 }, a: 1 }));
    expect(argumentsHash({ a: 1 })).not.toBe(argumentsHash({ a: 2 }));
  });

  it('names forwarded requests by their target', () => {
    expect(grantOfNodeRequest({ method: 'resources/read', params: { uri: 'file:///x' } }).capability).toBe('file:///x');
    expect(grantOfNodeRequest({ method: 'prompts/get', params: { name: 'greet' } }).capability).toBe('greet');
  });

  it('signs ES256 with a kid, the node as audience, the caller, capability, arguments hash, jti and a short expiry', async () => {
    const { signer, verifier } = await setup();
    const token = await signer.sign({ nodeId: 'pi-1', caller, grant, deadline: Date.now() + 3_600_000 });
    const [header, payload] = token.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    expect(header).toEqual({ alg: 'ES256', kid: signer.keyId, typ: 'pimcp-invocation+jwt' });
    expect(payload).toMatchObject({ iss: 'gw-1', sub: 'alice', aud: 'pi-1', client_id: 'desktop', op: 'tools/call', cap: 'file.read', args_sha256: grant.argumentsHash });
    expect(typeof payload.jti).toBe('string');
    expect(payload.exp - payload.iat).toBeLessThanOrEqual(61); // capped at maxTtlMs although the deadline is an hour away
    await expect(verifier.admit({ token, grant, caller })).resolves.toBeUndefined();
  });

  it('never outlives the call deadline', async () => {
    const { signer } = await setup();
    const now = Date.now();
    const token = await signer.sign({ nodeId: 'pi-1', caller, grant, deadline: now + 5_000 });
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
    expect(payload.exp).toBeLessThanOrEqual(Math.ceil((now + 5_000) / 1000));
  });

  it('refuses a missing token, another node\'s, other arguments, another tool, another caller, and a replay', async () => {
    const { signer, verifier } = await setup();
    const sign = (nodeId = 'pi-1') => signer.sign({ nodeId, caller, grant, deadline: Date.now() + 10_000 });
    expect((await refusal(verifier.admit({ token: undefined, grant, caller }))).message).toContain('no invocation token');
    expect((await refusal(verifier.admit({ token: await sign('pi-2'), grant, caller }))).message).toContain('another node');
    const otherArgs = grantOfInvoke({ tool: 'file.read', arguments: { path: '/etc/shadow', limit: 5 } });
    expect((await refusal(verifier.admit({ token: await sign(), grant: otherArgs, caller }))).message).toContain('arguments hash');
    const otherTool = grantOfInvoke({ tool: 'shell.run', arguments: { path: 'a.txt', limit: 5 } });
    expect((await refusal(verifier.admit({ token: await sign(), grant: otherTool, caller }))).message).toContain('not tools/call shell.run');
    expect((await refusal(verifier.admit({ token: await sign(), grant, caller: { subject: 'mallory' } }))).message).toContain('another caller');
    const once = await sign();
    await verifier.admit({ token: once, grant, caller });
    const replayed = await refusal(verifier.admit({ token: once, grant, caller }));
    expect(replayed.code).toBe(ErrorCode.InvocationUnauthorized);
    expect(replayed.retryable).toBe(false);
    expect(replayed.notRun).toBe(false);
    expect(replayed.message).toContain('already used');
  });

  it('refuses an expired token (past the clock skew)', async () => {
    let now = Date.now();
    const { signer, verifier } = await setup({ now: () => now });
    const token = await signer.sign({ nodeId: 'pi-1', caller, grant, deadline: now + 2_000 });
    now += 2_000 + 6_000;
    expect((await refusal(verifier.admit({ token, grant, caller }))).message).toBe('invocation token expired');
  });

  it('refuses a key it does not trust, a tampered payload, another issuer, HS256 and alg none', async () => {
    const { signer, verifier } = await setup();
    const stranger = await InvocationTokenSigner.fromPem(pem(), { issuer: 'gw-1', maxTtlMs: 60_000 });
    const deadline = Date.now() + 10_000;
    expect((await refusal(verifier.admit({ token: await stranger.sign({ nodeId: 'pi-1', caller, grant, deadline }), grant, caller }))).message).toContain('does not trust');
    const [h, , s] = (await signer.sign({ nodeId: 'pi-1', caller, grant, deadline })).split('.');
    const forged = Buffer.from(JSON.stringify({ iss: 'gw-1', sub: 'alice', aud: 'pi-1', jti: 'x', iat: 1, exp: 9e9, op: 'tools/call', cap: 'file.read', args_sha256: grant.argumentsHash })).toString('base64url');
    expect((await refusal(verifier.admit({ token: `${h}.${forged}.${s}`, grant, caller }))).message).toContain('signature');
    const other = await setup({ issuers: ['gw-prod'] });
    const fromDev = await other.signer.sign({ nodeId: 'pi-1', caller, grant, deadline });
    expect((await refusal(other.verifier.admit({ token: fromDev, grant, caller }))).message).toContain('issuer');
    const hs = await new SignJWT({ op: 'tools/call' }).setProtectedHeader({ alg: 'HS256', typ: 'pimcp-invocation+jwt', kid: signer.keyId })
      .setIssuer('gw-1').setSubject('alice').setAudience('pi-1').setJti('j').setIssuedAt().setExpirationTime('30s').sign(new TextEncoder().encode('x'.repeat(32)));
    expect((await refusal(verifier.admit({ token: hs, grant, caller }))).code).toBe(ErrorCode.InvocationUnauthorized);
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'pimcp-invocation+jwt' })).toString('base64url')}.${forged}.e30`;
    expect((await refusal(verifier.admit({ token: none, grant, caller }))).code).toBe(ErrorCode.InvocationUnauthorized);
  });
});
