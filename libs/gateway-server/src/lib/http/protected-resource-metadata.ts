import { getOAuthProtectedResourceMetadataUrl } from '@modelcontextprotocol/server';
import type { Express, RequestHandler } from 'express';

export interface ProtectedResourceMetadataOptions {
  /** The canonical MCP URL (a function: known only after binding when the port is 0). */
  resource: () => string;
  authorizationServers: () => readonly string[];
  scopesSupported: () => readonly string[];
  resourceDocumentation?: string;
}

/** RFC 9728 Protected Resource Metadata: where clients learn which authorization server issues tokens for us. */
export function protectedResourceMetadata(options: ProtectedResourceMetadataOptions): Record<string, unknown> {
  const servers = options.authorizationServers();
  return {
    resource: options.resource(),
    ...(servers.length > 0 ? { authorization_servers: [...servers] } : {}),
    scopes_supported: [...options.scopesSupported()],
    bearer_methods_supported: ['header'],
    resource_name: 'PiMCP gateway',
    ...(options.resourceDocumentation ? { resource_documentation: options.resourceDocumentation } : {}),
  };
}

/** Where the document lives for `resourceUrl` (the path-suffixed form clients derive from the MCP URL). */
export function protectedResourceMetadataUrl(resourceUrl: string): string {
  return getOAuthProtectedResourceMetadataUrl(new URL(resourceUrl));
}

/** Serves the document at the root well-known path and at the forms suffixed with the MCP paths given. */
export function mountProtectedResourceMetadata(app: Express, mcpPaths: readonly string[], options: ProtectedResourceMetadataOptions): void {
  const handler: RequestHandler = (req, res) => {
    res.set('Access-Control-Allow-Origin', '*');
    res.set('Cache-Control', 'public, max-age=300');
    if (req.method === 'OPTIONS') {
      res.set('Access-Control-Allow-Methods', 'GET, HEAD, OPTIONS').status(204).end();
      return;
    }
    res.status(200).json(protectedResourceMetadata(options));
  };
  const paths = new Set(['/.well-known/oauth-protected-resource', ...mcpPaths.filter((p) => p !== '/').map((p) => `/.well-known/oauth-protected-resource${p}`)]);
  for (const path of paths) {
    app.get(path, handler);
    app.options(path, handler);
  }
}
