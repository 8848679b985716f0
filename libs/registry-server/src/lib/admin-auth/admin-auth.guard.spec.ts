import { generateKeyPairSync } from 'node:crypto';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { ErrorCode, PimcpError } from '@pimcp/protocol';
import { SignJWT } from 'jose';
import { AdminAuthGuard } from './admin-auth.guard';
import { AdminTokenVerifier } from './admin-token.verifier';

describe(AdminAuthGuard.name, () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const verifier = new AdminTokenVerifier({
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), issuer: 'idp', audience: 'pimcp-registry', algorithms: ['ES256'],
  });
  const guard = new AdminAuthGuard({ kind: 'jwt', verifier });
  const tokenWith = (scope: string) => new SignJWT({ scope }).setProtectedHeader({ alg: 'ES256' }).setIssuer('idp').setAudience('pimcp-registry')
    .setSubject('ops').setExpirationTime('5m').sign(privateKey);

  /** Runs the guard on an HTTP request; returns true, or the PimcpError it threw and the challenge it set. */
  const run = async (method: string, path: string, authorization?: string, on: AdminAuthGuard = guard) => {
    const headers: Record<string, string> = {};
    const res = { setHeader: (name: string, value: string) => { headers[name] = value; } };
    const req = { method, path, headers: authorization ? { authorization } : {} };
    const context = new ExecutionContextHost([req, res]);
    context.setType('http');
    try {
      return { allowed: await on.canActivate(context), challenge: headers['WWW-Authenticate'] };
    } catch (error) {
      expect(error).toBeInstanceOf(PimcpError);
      return { allowed: false, code: (error as PimcpError).code, message: (error as PimcpError).message, challenge: headers['WWW-Authenticate'] };
    }
  };

  describe('canActivate', () => {
    it('refuses a request without a bearer token with UNAUTHENTICATED and a Bearer challenge', async () => {
      for (const authorization of [undefined, 'Basic b3BzOnB3', 'Bearer ']) {
        expect(await run('GET', '/v1/catalog', authorization)).toEqual({
          allowed: false, code: ErrorCode.Unauthenticated, message: expect.stringContaining('needs a bearer token'), challenge: 'Bearer realm="pimcp-registry"',
        });
      }
    });

    it('refuses an invalid token with invalid_token and the reason, never the token', async () => {
      const answer = await run('GET', '/v1/catalog', 'Bearer not.a.jwt');
      expect(answer).toMatchObject({ allowed: false, code: ErrorCode.Unauthenticated, message: expect.stringContaining('malformed') });
      expect(answer.challenge).toMatch(/^Bearer realm="pimcp-registry", error="invalid_token", error_description="admin token refused: malformed/);
      expect(JSON.stringify(answer)).not.toContain('not.a.jwt');
    });

    it('lets registry:read read but answers FORBIDDEN naming registry:admin for PUT, POST and DELETE', async () => {
      const bearer = `Bearer ${await tokenWith('registry:read')}`;
      expect(await run('GET', '/v1/tool-sets', bearer)).toEqual({ allowed: true, challenge: undefined });
      for (const method of ['PUT', 'POST', 'DELETE']) {
        expect(await run(method, '/v1/tool-sets/ops', bearer)).toEqual({
          allowed: false, code: ErrorCode.Forbidden, message: `the admin token lacks the scope registry:admin that ${method} needs`,
          challenge: 'Bearer realm="pimcp-registry", error="insufficient_scope", scope="registry:admin"',
        });
      }
    });

    it('answers FORBIDDEN naming registry:read for a GET with neither scope', async () => {
      expect(await run('GET', '/v1/catalog', `Bearer ${await tokenWith('tools:shell.run')}`)).toMatchObject({
        code: ErrorCode.Forbidden, message: expect.stringContaining('registry:read'), challenge: expect.stringContaining('scope="registry:read"'),
      });
    });

    it('lets registry:admin read and write', async () => {
      const bearer = `Bearer ${await tokenWith('registry:admin')}`;
      for (const method of ['GET', 'PUT', 'POST', 'DELETE']) expect((await run(method, '/v1/tool-sets/ops', bearer)).allowed).toBe(true);
    });

    it('leaves the probes and /metrics open', async () => {
      for (const path of ['/health/live', '/health/ready', '/metrics']) expect((await run('GET', path)).allowed).toBe(true);
    });

    it('lets everything through when admin auth is none (loopback, or explicitly accepted)', async () => {
      expect((await run('DELETE', '/v1/tool-sets/ops', undefined, new AdminAuthGuard({ kind: 'none' }))).allowed).toBe(true);
    });

    it('does not guard the node link (microservice handlers)', async () => {
      const context = new ExecutionContextHost([{}, {}]);
      context.setType('rpc');
      expect(await guard.canActivate(context)).toBe(true);
    });
  });
});
