import type { OAuthTokenVerifier } from '@modelcontextprotocol/server';
import { hostHeaderValidation, originValidation, requireBearerAuth } from '@modelcontextprotocol/express';
import { toNodeHandler } from '@modelcontextprotocol/node';
import express, { type ErrorRequestHandler, type Express } from 'express';
import type { McpEndpoint } from '../mcp/mcp-endpoint';

export interface MountOptions {
  path: string;
  allowedHosts: readonly string[];
  allowedOrigins: readonly string[];
  maxBodyBytes: number;
  verifier: OAuthTokenVerifier;
  resourceMetadataUrl?: string;
}

/**
 * Wires the MCP endpoint into Express in the order that protects it: Host/Origin (DNS rebinding),
 * bearer token, bounded JSON body, then the SDK. Errors before the SDK are JSON-RPC shaped.
 */
export function mountMcpEndpoint(app: Express, endpoint: McpEndpoint, options: MountOptions): void {
  const handler = toNodeHandler(endpoint, { maxRequestBodySize: options.maxBodyBytes });
  app.use(options.path, hostHeaderValidation([...options.allowedHosts]), originValidation([...options.allowedOrigins]));
  app.use(options.path, requireBearerAuth({ verifier: options.verifier, ...(options.resourceMetadataUrl ? { resourceMetadataUrl: options.resourceMetadataUrl } : {}) }));
  app.use(options.path, express.json({ limit: options.maxBodyBytes, type: ['application/json', 'application/*+json'] }), bodyErrors);
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
  } else {
    next(err);
  }
};
