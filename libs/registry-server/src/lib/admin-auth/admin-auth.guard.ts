import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { ErrorCode, PimcpError } from '@pimcp/protocol';
import type { Request, Response } from 'express';
import { ADMIN_AUTH } from '../config/registry-tokens';
import type { AdminAuthMode } from './admin-auth-mode';

export const ADMIN_READ_SCOPE = 'registry:read';
export const ADMIN_WRITE_SCOPE = 'registry:admin';

const REALM = 'pimcp-registry';
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every HTTP route but the probes and metrics needs a bearer token (deny by default: a new admin route is guarded
 * without opting in): registry:read to read, registry:admin (which implies read) to change anything.
 */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  constructor(@Inject(ADMIN_AUTH) private readonly auth: AdminAuthMode) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http' || this.auth.kind === 'none') return true;
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    if (isOpen(req.path)) return true;
    const res = http.getResponse<Response>();
    const token = bearerOf(req.headers.authorization);
    if (!token) {
      res.setHeader('WWW-Authenticate', `Bearer realm="${REALM}"`);
      throw new PimcpError(ErrorCode.Unauthenticated, 'the registry admin API needs a bearer token: send Authorization: Bearer <token> (the CLI sends PIMCP_REGISTRY_ADMIN_TOKEN)');
    }
    let scopes: readonly string[];
    try {
      scopes = (await this.auth.verifier.verify(token)).scopes;
    } catch (err) {
      if (err instanceof PimcpError && err.code === ErrorCode.Unauthenticated) {
        res.setHeader('WWW-Authenticate', `Bearer realm="${REALM}", error="invalid_token", error_description="${err.message.replace(/["\\]/g, '')}"`);
      }
      throw err;
    }
    const needed = READ_METHODS.has(req.method) ? ADMIN_READ_SCOPE : ADMIN_WRITE_SCOPE;
    if (!scopes.includes(needed) && !scopes.includes(ADMIN_WRITE_SCOPE)) {
      res.setHeader('WWW-Authenticate', `Bearer realm="${REALM}", error="insufficient_scope", scope="${needed}"`);
      throw new PimcpError(ErrorCode.Forbidden, `the admin token lacks the scope ${needed} that ${req.method} needs`);
    }
    return true;
  }
}

/** Probes and Prometheus stay reachable without a token. */
function isOpen(path: string): boolean {
  return path === '/metrics' || path.startsWith('/health/');
}

function bearerOf(header: string | undefined): string | undefined {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}
