import type { OAuthTokenVerifier } from '@modelcontextprotocol/server';
import { hostHeaderValidation, originValidation } from '@modelcontextprotocol/express';
import { toNodeHandler } from '@modelcontextprotocol/node';
import express, { type ErrorRequestHandler, type Express } from 'express';
import type { AccessPolicy } from '../auth/access-policy';
import type { RefusalAuditor } from '../calls/refusal-auditor';
import type { McpEndpoint } from '../mcp/mcp-endpoint';
import type { SubjectRateLimiter } from '../rate-limit/subject-rate-limiter.port';
import { bearerAuth } from './bearer-auth.middleware';
import { jsonDepthLimit } from './json-depth.middleware';
import { rateLimit } from './rate-limit.middleware';
import { scopeGuard } from './scope-guard.middleware';

export interface MountOptions {
  path: string;
  allowedHosts: readonly string[];
  allowedOrigins: readonly string[];
  maxBodyBytes: number;
  verifier: OAuthTokenVerifier;
  policy: AccessPolicy;
  /** Absent: no rate limit. */
  limiter?: SubjectRateLimiter;
  /** The Protected Resource Metadata URL named in challenges (a function: the port may be known only after binding). */
  resourceMetadataUrl: () => string;
  /** Scopes named in 401 challenges. */
  challengeScopes: () => readonly string[];
  /** Audits tools/call requests refused with 403 or 429; absent: they are not audited. */
  refusals?: RefusalAuditor;
}

/**
 * Wires the MCP endpoint into Express in the order that protects it: Host/Origin (DNS rebinding), bearer token,
 * per-subject rate limit, bounded JSON body and depth, scope check, then the SDK. Errors before the SDK are JSON-RPC shaped.
 */
export function mountMcpEndpoint(app: Express, endpoint: McpEndpoint, options: MountOptions): void {
  const handler = toNodeHandler(endpoint, { maxRequestBodySize: options.maxBodyBytes });
  app.use(options.path, hostHeaderValidation([...options.allowedHosts]), originValidation([...options.allowedOrigins]));
  app.use(options.path, bearerAuth({ verifier: options.verifier, resourceMetadataUrl: options.resourceMetadataUrl, scopes: options.challengeScopes }));
  if (options.limiter) app.use(options.path, rateLimit(options.limiter, options.refusals));
  app.use(options.path, express.json({ limit: options.maxBodyBytes, type: ['application/json', 'application/*+json'] }), bodyErrors);
  app.use(options.path, jsonDepthLimit());
  app.use(options.path, scopeGuard({ policy: options.policy, resourceMetadataUrl: options.resourceMetadataUrl, ...(options.refusals ? { refusals: options.refusals } : {}) }));
  app.all(options.path, (req, res) => {
    void handler(req, res, req.body);
  });
}

/** Malformed JSON is a JSON-RPC parse error (400); an oversize body is 413. Either way nothing else is disturbed. */
const bodyErrors: ErrorRequestHandler = (err: { type?: string; status?: number }, _req, res, next) => {
  if (err?.type === 'entity.too.large') {
    res.status(413).json({ jsonrpc: '2.0', error: { code: -32000, message: 'Request body too large; send a smaller request' }, id: null });
  } else if (err?.type === 'entity.parse.failed') {
    res.status(400).json({ jsonrpc: '2.0', error: { code: -32700, message: 'Parse error: the body is not valid JSON' }, id: null });
  } else if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500) {
    // Unsupported charset or encoding, aborted upload: the client's to fix, never a 500.
    res.status(err.status).json({ jsonrpc: '2.0', error: { code: -32600, message: `Bad request body: ${(err as Error).message}` }, id: null });
  } else {
    next(err);
  }
};
