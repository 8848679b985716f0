import { randomUUID } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMcpHandler, type McpHttpHandler, ProtocolError, ProtocolErrorCode, Server } from '@modelcontextprotocol/server';
import { localhostHostValidation, toNodeHandler } from '@modelcontextprotocol/node';
import type { ToolInvoker } from '@pimcp/node-link';
import { toCapabilityDefinition } from '@pimcp/plugin-sdk';
import { ErrorCode, type InvokeEvent, PimcpError, urlHost } from '@pimcp/protocol';
import { lastValueFrom, tap } from 'rxjs';

export interface LocalMcpOptions {
  host: string;
  port: number;
  callTimeoutMs: number;
}

/**
 * The node's own MCP endpoint, for an LLM on the same board: the node's tools without the gateway.
 * Loopback only and Host-checked; both protocol eras, stateless (no sessions to keep on a small board).
 */
export class LocalMcpServer {
  private constructor(private readonly http: HttpServer, private readonly handler: McpHttpHandler, readonly url: string) {}

  static async start(invoker: ToolInvoker, options: LocalMcpOptions): Promise<LocalMcpServer> {
    const handler = createMcpHandler(() => buildServer(invoker, options.callTimeoutMs));
    const node = toNodeHandler(handler);
    const allowHost = localhostHostValidation();
    const http = createServer((req, res) => {
      if (req.url?.split('?')[0] !== '/mcp') {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'the MCP endpoint is /mcp' }));
        return;
      }
      if (!allowHost(req, res)) return;
      void node(req, res);
    });
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(options.port, options.host, () => resolve());
    });
    const port = (http.address() as AddressInfo).port;
    return new LocalMcpServer(http, handler, `http://${urlHost(options.host)}:${port}/mcp`);
  }

  async close(): Promise<void> {
    await this.handler.close();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }
}

function buildServer(invoker: ToolInvoker, callTimeoutMs: number): Server {
  const server = new Server({ name: 'pimcp-edge-node', version: '0.1.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler('tools/list', async () => ({
    tools: invoker.list().map(toCapabilityDefinition).map((d) => ({
      name: d.name, description: d.description, inputSchema: d.inputSchema, ...(d.outputSchema ? { outputSchema: d.outputSchema } : {}),
      ...(d.annotations ? { annotations: { ...d.annotations } } : {}),
    })),
  }) as never);
  server.setRequestHandler('tools/call', async (request, ctx) => {
    const requestId = randomUUID();
    const token = request.params._meta?.progressToken;
    const abort = () => invoker.cancel(requestId, 'cancelled by the local client');
    ctx.mcpReq.signal.addEventListener('abort', abort, { once: true });
    try {
      const last = await lastValueFrom(invoker.invoke({
        requestId, tool: request.params.name, arguments: (request.params.arguments ?? {}) as Record<string, unknown>,
        deadline: Date.now() + callTimeoutMs, caller: { subject: 'local' },
      }).pipe(tap((event: InvokeEvent) => {
        if (event.type === 'progress' && token !== undefined) {
          void ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken: token, progress: event.progress, total: event.total, message: event.message } }).catch(() => undefined);
        }
      })));
      return (last.type === 'result' ? last.result : { isError: true, content: [] }) as never;
    } catch (err) {
      // As at the gateway: bad arguments are a tool error the model can read and correct.
      if (err instanceof PimcpError && err.code === ErrorCode.InvalidArguments) return { isError: true, content: [{ type: 'text', text: err.message }] } as never;
      throw toProtocolError(err);
    } finally {
      ctx.mcpReq.signal.removeEventListener('abort', abort);
    }
  });
  return server;
}

function toProtocolError(err: unknown): ProtocolError {
  if (err instanceof PimcpError && err.code === ErrorCode.ToolUnknown) return new ProtocolError(ProtocolErrorCode.InvalidParams, err.message);
  return new ProtocolError(ProtocolErrorCode.InternalError, err instanceof Error ? err.message : String(err));
}
