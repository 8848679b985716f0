import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { urlHost } from '@pimcp/protocol';
import type { Registry } from 'prom-client';

export interface NodeHttpServerOptions {
  host: string;
  port: number;
  metrics: Registry;
  /** Why the node is not ready, or undefined when it is (registered and accepting calls). */
  notReadyBecause(): string | undefined;
}

/**
 * The edge node's operator port: /metrics, /health/live, /health/ready. Plain node:http rather than a Nest HTTP
 * app: the node has no other HTTP routes, and an HTTP framework would cost a board memory for three routes.
 */
export class NodeHttpServer {
  private constructor(private readonly server: Server, readonly url: string) {}

  static async start(options: NodeHttpServerOptions): Promise<NodeHttpServer> {
    const server = createServer((request, response) => {
      const path = (request.url ?? '/').split('?')[0];
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.writeHead(405, { allow: 'GET, HEAD' }).end();
        return;
      }
      if (path === '/metrics') {
        options.metrics.metrics().then(
          (text) => response.writeHead(200, { 'content-type': options.metrics.contentType, 'cache-control': 'no-store' }).end(text),
          (error: Error) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${error.message}`),
        );
        return;
      }
      if (path === '/health/live') return json(response, 200, { status: 'ok' });
      if (path === '/health/ready') {
        const reason = options.notReadyBecause();
        return reason ? json(response, 503, { status: 'error', reason }) : json(response, 200, { status: 'ok' });
      }
      json(response, 404, { error: `no route ${path}; try /metrics, /health/live or /health/ready` });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    return new NodeHttpServer(server, `http://${urlHost(options.host)}:${port}`);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function json(response: import('node:http').ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
