import { type ProtocolEra, Server, type ServerContext } from '@modelcontextprotocol/server';
import type { CallerIdentity, ProgressEvent } from '@pimcp/protocol';
import type { CallToolUseCase } from '../calls/call-tool.usecase';
import type { ToolCatalog } from '../calls/tool-catalog.port';
import { toMcpTool } from './to-mcp-tool';

export const TOOLS_PAGE_SIZE = 100;

export interface GatewayServerInfo {
  name: string;
  version: string;
}

/**
 * Builds one low-level MCP Server over the shared catalog. The low-level Server (not McpServer)
 * fits a proxy: the tool set changes at run time and lives outside any one server instance.
 */
export class GatewayMcpServerFactory {
  constructor(
    private readonly info: GatewayServerInfo,
    private readonly catalog: ToolCatalog,
    private readonly callTool: CallToolUseCase,
  ) {}

  create(era: ProtocolEra | 'legacy-session'): Server {
    const server = new Server(this.info, {
      capabilities: { tools: { listChanged: true } },
      instructions: 'PiMCP gateway: tools from every connected node. `<node-id>.<tool>` names target one node.',
    });
    server.setRequestHandler('tools/list', async (request) => this.listPage(request.params?.cursor));
    server.setRequestHandler('tools/call', async (request, ctx) => {
      const { name, arguments: args, _meta } = request.params;
      const result = await this.callTool.execute({
        name,
        arguments: args as Record<string, unknown> | undefined,
        meta: (_meta ?? undefined) as Record<string, unknown> | undefined,
        caller: callerOf(ctx),
        signal: ctx.mcpReq.signal,
        onProgress: progressRelay(ctx, _meta?.progressToken),
      });
      return result as never;
    });
    void era;
    return server;
  }

  private listPage(cursor: string | undefined) {
    const tools = this.catalog.listTools();
    const start = cursor === undefined ? 0 : decodeCursor(cursor, tools.length);
    const page = tools.slice(start, start + TOOLS_PAGE_SIZE).map(toMcpTool);
    const next = start + TOOLS_PAGE_SIZE;
    return { tools: page, ...(next < tools.length ? { nextCursor: encodeCursor(next) } : {}) } as never;
  }
}

function callerOf(ctx: ServerContext): CallerIdentity {
  const auth = ctx.http?.authInfo;
  const subject = typeof auth?.extra?.['subject'] === 'string' ? (auth.extra['subject'] as string) : 'anonymous';
  return { subject, ...(auth?.clientId ? { clientId: auth.clientId } : {}) };
}

function progressRelay(ctx: ServerContext, token: string | number | undefined): (event: ProgressEvent) => void {
  if (token === undefined) return () => undefined;
  return (event) => {
    void ctx.mcpReq
      .notify({ method: 'notifications/progress', params: { progressToken: token, progress: event.progress, total: event.total, message: event.message } })
      .catch(() => undefined); // a client that went away does not fail the call
  };
}

/** Cursors are opaque to clients; an offset is enough while the list is sorted and stable. */
function encodeCursor(offset: number): string {
  return Buffer.from(`o:${offset}`).toString('base64url');
}

function decodeCursor(cursor: string, total: number): number {
  const match = /^o:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  const offset = match ? Number(match[1]) : NaN;
  if (!Number.isSafeInteger(offset) || offset < 0 || offset > total) return total; // stale or foreign cursor: empty page
  return offset;
}
