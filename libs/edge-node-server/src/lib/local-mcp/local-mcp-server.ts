import { randomUUID } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMcpHandler, type McpHttpHandler, ProtocolError, ProtocolErrorCode, ResourceNotFoundError, Server } from '@modelcontextprotocol/server';
import { localhostHostValidation, toNodeHandler } from '@modelcontextprotocol/node';
import type { NodeLinkHandlers, OfferingHost, ToolInvoker } from '@pimcp/node-link';
import { toCapabilityDefinition } from '@pimcp/plugin-sdk';
import { ErrorCode, type InvokeEvent, type NodeRequestMethod, PimcpError, urlHost } from '@pimcp/protocol';
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

  static async start(handlers: NodeLinkHandlers, options: LocalMcpOptions): Promise<LocalMcpServer> {
    const handler = createMcpHandler(() => buildServer(handlers, options.callTimeoutMs));
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

function buildServer(handlers: NodeLinkHandlers, callTimeoutMs: number): Server {
  const { invoker, offerings } = handlers;
  const server = new Server({ name: 'pimcp-edge-node', version: '0.1.0' }, {
    capabilities: { tools: {}, logging: {}, ...(offerings.isEmpty ? {} : { resources: {}, prompts: {}, completions: {} }) },
  });
  registerToolHandlers(server, invoker, callTimeoutMs);
  if (!offerings.isEmpty) registerOfferingHandlers(server, offerings, callTimeoutMs);
  return server;
}

function registerToolHandlers(server: Server, invoker: ToolInvoker, callTimeoutMs: number): void {
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
        if (event.type === 'log') void ctx.mcpReq.log(event.level, event.data, event.logger).catch(() => undefined);
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
}

/** The same resources, templates and prompts the node registers, served to a local client directly. */
function registerOfferingHandlers(server: Server, offerings: OfferingHost, timeoutMs: number): void {
  const forward = async (method: NodeRequestMethod, params: unknown) => {
    const args = params as Record<string, unknown>;
    try {
      return await offerings.handle({ requestId: randomUUID(), method, params: args, deadline: Date.now() + timeoutMs, caller: { subject: 'local' } });
    } catch (err) {
      if (err instanceof PimcpError && err.code === ErrorCode.ResourceUnknown) throw new ResourceNotFoundError(String(args['uri']), err.message);
      throw toProtocolError(err);
    }
  };
  server.setRequestHandler('resources/list', async () => ({ resources: offerings.definitions().resources }) as never);
  server.setRequestHandler('resources/templates/list', async () => ({ resourceTemplates: offerings.definitions().resourceTemplates }) as never);
  server.setRequestHandler('prompts/list', async () => ({ prompts: offerings.definitions().prompts }) as never);
  server.setRequestHandler('resources/read', async (request) => (await forward('resources/read', request.params)) as never);
  server.setRequestHandler('prompts/get', async (request) => (await forward('prompts/get', request.params)) as never);
  server.setRequestHandler('completion/complete', async (request) => (await forward('completion/complete', request.params)) as never);
}

function toProtocolError(err: unknown): ProtocolError {
  if (err instanceof PimcpError && [ErrorCode.ToolUnknown, ErrorCode.PromptUnknown, ErrorCode.InvalidArguments, ErrorCode.InvalidRequest].includes(err.code)) {
    return new ProtocolError(ProtocolErrorCode.InvalidParams, err.message);
  }
  return new ProtocolError(ProtocolErrorCode.InternalError, err instanceof Error ? err.message : String(err));
}
