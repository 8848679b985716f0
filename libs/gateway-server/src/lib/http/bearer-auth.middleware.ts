import { OAuthError, OAuthErrorCode, type OAuthTokenVerifier, verifyBearerToken } from '@modelcontextprotocol/server';
import type { RequestHandler } from 'express';
import { bearerChallenge } from './www-authenticate';

export interface BearerAuthOptions {
  verifier: OAuthTokenVerifier;
  resourceMetadataUrl: () => string;
  /** Named in 401 challenges: what a client should ask its authorization server for. */
  scopes: () => readonly string[];
}

/**
 * Authenticates every MCP request by its bearer token (attached as `req.auth`, which the SDK hands to handlers).
 * A token in the query string is refused outright: URLs end up in logs and browser history.
 */
export function bearerAuth(options: BearerAuthOptions): RequestHandler {
  return async (req, res, next) => {
    if (tokenInQuery(req.query)) {
      res.status(400).json({
        jsonrpc: '2.0', id: null,
        error: { code: -32600, message: 'Access tokens are not accepted in the query string; send them in the Authorization header: "Authorization: Bearer <token>"' },
      });
      return;
    }
    const header = req.headers.authorization;
    try {
      (req as { auth?: unknown }).auth = await verifyBearerToken(header, { verifier: options.verifier });
      next();
    } catch (err) {
      const error = err instanceof OAuthError ? err : new OAuthError(OAuthErrorCode.InvalidToken, 'token rejected');
      const missing = !header;
      res.set('WWW-Authenticate', bearerChallenge({
        resourceMetadataUrl: options.resourceMetadataUrl(),
        scopes: options.scopes(),
        ...(missing ? {} : { error: 'invalid_token', description: error.message }),
      }));
      res.status(401).json({
        error: 'invalid_token',
        error_description: missing ? 'Authorization required: send "Authorization: Bearer <token>" (see the resource_metadata URL for where to get one)' : error.message,
      });
    }
  };
}

function tokenInQuery(query: unknown): boolean {
  if (!query || typeof query !== 'object') return false;
  return Object.keys(query).some((key) => key.toLowerCase() === 'access_token');
}
