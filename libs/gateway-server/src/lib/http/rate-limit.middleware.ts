import type { AuthInfo } from '@modelcontextprotocol/server';
import type { RequestHandler } from 'express';
import type { RefusalAuditor } from '../calls/refusal-auditor';
import { subjectKeyOf } from '../mcp/caller-of';
import type { SubjectRateLimiter } from '../rate-limit/subject-rate-limiter.port';

/** JSON-RPC code of a request refused by the per-subject rate limit (HTTP 429 with Retry-After). */
export const RATE_LIMITED_CODE = -32029;

/**
 * Counts each authenticated request against its subject (issuer-qualified, so two issuers' "alice" differ). The body
 * of a refused request is never read: a refused tools/call is audited by its Mcp-Method and Mcp-Name headers
 * (sent by 2026-07-28 clients; a 2025-era request carries none and is not audited).
 */
export function rateLimit(limiter: SubjectRateLimiter, refusals?: RefusalAuditor): RequestHandler {
  return (req, res, next) => {
    const auth = (req as { auth?: AuthInfo }).auth;
    limiter.consume(subjectKeyOf(auth)).then((decision) => {
      if (decision.allowed) {
        next();
        return;
      }
      if (req.get('mcp-method') === 'tools/call') refusals?.rateLimited(auth, req.get('mcp-name'));
      res.set('Retry-After', String(decision.retryAfterSeconds));
      res.status(429).json({
        jsonrpc: '2.0', id: null,
        error: {
          code: RATE_LIMITED_CODE,
          message: `Rate limit exceeded: ${limiter.requests} requests per ${limiter.windowSeconds} s for this subject; retry after ${decision.retryAfterSeconds} s`,
          data: { retryAfterSeconds: decision.retryAfterSeconds },
        },
      });
    }, next);
  };
}
