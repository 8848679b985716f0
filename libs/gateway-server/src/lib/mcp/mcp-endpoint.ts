import { createMcpHandler, type EventStore, isLegacyRequest, type McpHttpHandler } from '@modelcontextprotocol/server';
import type { SessionStore } from '@pimcp/session-store';
import type { ToolCatalog } from '../calls/tool-catalog.port';
import type { GatewayMcpServerFactory } from './gateway-mcp-server.factory';
import { type FetchOptions, LegacySessions } from './legacy-sessions';

export interface McpEndpointOptions {
  sessionTtlSeconds: number;
  maxRequestBodySize: number;
}

/**
 * The one MCP endpoint: 2026-07-28 (stateless) requests go to the SDK's modern handler, 2025-era
 * requests to session-based transports. Catalog changes reach clients of both eras.
 */
export class McpEndpoint {
  private readonly modern: McpHttpHandler;
  private readonly legacy: LegacySessions;
  private readonly unsubscribe: () => void;

  constructor(
    factory: GatewayMcpServerFactory,
    catalog: ToolCatalog,
    sessions: SessionStore,
    eventStore: EventStore,
    private readonly options: McpEndpointOptions,
  ) {
    this.modern = createMcpHandler((ctx) => factory.create(ctx.era), {
      legacy: 'reject',
      maxRequestBodySize: options.maxRequestBodySize,
    });
    this.legacy = new LegacySessions(factory, sessions, eventStore, {
      ttlSeconds: options.sessionTtlSeconds,
      maxRequestBodySize: options.maxRequestBodySize,
    });
    this.unsubscribe = catalog.onToolsChanged(() => {
      this.modern.notify.toolsChanged();
      this.legacy.notifyToolsChanged();
    });
  }

  get legacySessionCount(): number {
    return this.legacy.size;
  }

  async fetch(request: Request, opts: FetchOptions = {}): Promise<Response> {
    const legacy = await isLegacyRequest(request, opts.parsedBody, { maxRequestBodySize: this.options.maxRequestBodySize });
    return legacy ? this.legacy.handle(request, opts) : this.modern.fetch(request, opts);
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await this.legacy.close();
    await this.modern.close();
  }
}
