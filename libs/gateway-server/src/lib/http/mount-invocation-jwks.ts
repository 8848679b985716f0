import type { Express } from 'express';
import { INVOCATION_JWKS_PATH, type JsonWebKeySet } from '@pimcp/node-link';

/** Public keys nodes may fetch to verify this gateway's invocation tokens (PIMCP_NODE_INVOCATION_JWKS_URL). */
export function mountInvocationJwks(app: Express, jwks: JsonWebKeySet): void {
  app.get(INVOCATION_JWKS_PATH, (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.json(jwks);
  });
}
