import type { OAuthTokenVerifier } from '@modelcontextprotocol/server';
import { hostHeaderValidation, requireBearerAuth } from '@modelcontextprotocol/express';
import type { Express, Response } from 'express';
import { type ClusterViewSources, clusterView } from '../dashboard/cluster-view';
import { DASHBOARD_CSS, DASHBOARD_HTML, DASHBOARD_JS } from '../dashboard/dashboard-page';

export interface DashboardOptions {
  allowedHosts: readonly string[];
  verifier: OAuthTokenVerifier;
  /** Without sources (a gateway built on fakes) the API answers 503. */
  sources?: ClusterViewSources;
}

/** Only this page's own files; no inline script, no framing, no referrer (the URL may have held a token fragment). */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * The dashboard at /ui: the page and its assets are public (they hold no data), the cluster's data at
 * /ui/api/cluster needs the same bearer token as the MCP endpoint.
 */
export function mountDashboard(app: Express, options: DashboardOptions): void {
  const hosts = hostHeaderValidation([...options.allowedHosts]);
  const asset = (type: string, body: string) => (_req: unknown, res: Response) => {
    res.set({ 'content-type': type, 'content-security-policy': CSP, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'cache-control': 'no-cache' });
    res.send(body);
  };
  app.get('/ui', hosts, asset('text/html; charset=utf-8', DASHBOARD_HTML));
  app.get('/ui/app.js', hosts, asset('text/javascript; charset=utf-8', DASHBOARD_JS));
  app.get('/ui/app.css', hosts, asset('text/css; charset=utf-8', DASHBOARD_CSS));
  app.get('/ui/api/cluster', hosts, requireBearerAuth({ verifier: options.verifier }), (_req, res) => {
    res.set({ 'cache-control': 'no-store' });
    if (!options.sources) {
      res.status(503).json({ error: 'this gateway has no cluster view (it was started without a catalog cache)' });
      return;
    }
    res.json(clusterView(options.sources));
  });
}
