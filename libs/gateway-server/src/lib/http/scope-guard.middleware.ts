import type { AuthInfo } from '@modelcontextprotocol/server';
import type { RequestHandler } from 'express';
import type { AccessPolicy } from '../auth/access-policy';
import type { RefusalAuditor } from '../calls/refusal-auditor';
import { scopeFor } from '../auth/scope-grants';
import { INSUFFICIENT_SCOPE_CODE } from '../mcp/scope-checks';
import { bearerChallenge } from './www-authenticate';

export interface ScopeGuardOptions {
  policy: AccessPolicy;
  resourceMetadataUrl: () => string;
  /** Where refused tools/call requests leave their `denied` audit records; absent: not audited. */
  refusals?: RefusalAuditor;
}

/**
 * Refuses, before anything runs, a JSON-RPC request (or any member of a batch) that needs a scope the token lacks:
 * 403 with `WWW-Authenticate: Bearer error="insufficient_scope", scope="<needed>"` so the client can step up.
 * The MCP handlers check again (defence in depth); this is where the client gets the HTTP answer the spec asks for.
 */
export function scopeGuard(options: ScopeGuardOptions): RequestHandler {
  return (req, res, next) => {
    const auth = (req as { auth?: AuthInfo }).auth;
    const messages: unknown[] = Array.isArray(req.body) ? req.body : [req.body];
    for (const message of messages) {
      if (!message || typeof message !== 'object') continue;
      const { method, params, id } = message as { method?: unknown; params?: unknown; id?: unknown };
      if (typeof method !== 'string') continue;
      const denied = options.policy.firstDenied(auth, method, params);
      if (!denied) continue;
      const scope = scopeFor(denied);
      options.refusals?.denied(auth, toolCalls(messages));
      res.set('WWW-Authenticate', bearerChallenge({
        resourceMetadataUrl: options.resourceMetadataUrl(), scopes: [scope], error: 'insufficient_scope', description: `this request needs the scope ${scope}`,
      }));
      res.status(403).json({
        jsonrpc: '2.0',
        id: typeof id === 'string' || typeof id === 'number' ? id : null,
        error: { code: INSUFFICIENT_SCOPE_CODE, message: `Insufficient scope: ${method} needs the scope "${scope}", which this token does not carry; ask the authorization server for it`, data: { scope } },
      });
      return;
    }
    next();
  };
}

/** The tools/call messages of a request (a batch refused as a whole: none of its calls ran). */
function toolCalls(messages: readonly unknown[]): Array<{ name: string; arguments: Record<string, unknown> | undefined }> {
  return messages.flatMap((message) => {
    const { method, params } = (message && typeof message === 'object' ? message : {}) as { method?: unknown; params?: { name?: unknown; arguments?: unknown } };
    if (method !== 'tools/call') return [];
    const args = params?.arguments;
    return [{
      name: typeof params?.name === 'string' ? params.name : '',
      arguments: args && typeof args === 'object' && !Array.isArray(args) ? (args as Record<string, unknown>) : undefined,
    }];
  });
}
