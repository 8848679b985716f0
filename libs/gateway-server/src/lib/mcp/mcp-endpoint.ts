import { createMcpHandler, type EventStore, isLegacyRequest, type McpHttpHandler } from '@modelcontextprotocol/server';
import type { SessionStore } from '@pimcp/session-store';
import type { OfferingCatalog } from '../calls/offering-catalog.port';
import type { ToolCatalog } from '../calls/tool-catalog.port';
import type { GatewayMcpServerFactory } from './gateway-mcp-server.factory';
import { type FetchOptions, LegacySessions } from './legacy-sessions';
import type { ResourceSubscriptions } from './resource-subscriptions';

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
  private readonly unsubscribe: Array<() => void>;

  constructor(
    private readonly factory: GatewayMcpServerFactory,
    catalog: { tools: ToolCatalog; offerings: OfferingCatalog },
    private readonly subscriptions: ResourceSubscriptions,
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
    this.unsubscribe = [
      catalog.tools.onToolsChanged(() => this.notifyListChanged('tools')),
      catalog.offerings.onOfferingsChanged((change) => {
        if (change.resources) this.notifyListChanged('resources');
        if (change.prompts) this.notifyListChanged('prompts');
      }),
    ];
  }

  /**
   * Tells clients of both eras that a list may read differently now: the catalog changed, or what a scope grants did
   * (a tool set changed). Every client hears it; each lists again and sees what its own token allows.
   */
  notifyListChanged(list: 'tools' | 'resources' | 'prompts'): void {
    if (list === 'tools') this.modern.notify.toolsChanged();
    else if (list === 'resources') this.modern.notify.resourcesChanged();
    else this.modern.notify.promptsChanged();
    this.legacy.notifyListChanged(list);
  }

  /** A resource changed: 2026-07-28 listeners that asked for it hear it through the SDK, legacy subscribers here. */
  notifyResourceUpdated(uri: string): void {
    this.modern.notify.resourceUpdated(uri);
    this.legacy.notifyResourceUpdated(uri, this.subscriptions);
  }

  get legacySessionCount(): number {
    return this.legacy.size;
  }

  async fetch(request: Request, opts: FetchOptions = {}): Promise<Response> {
    const legacy = await isLegacyRequest(request, opts.parsedBody, { maxRequestBodySize: this.options.maxRequestBodySize });
    return legacy ? this.legacy.handle(request, opts) : this.modern.fetch(request, opts);
  }

  async close(): Promise<void> {
    this.unsubscribe.forEach((stop) => stop());
    this.factory.inputRequired.close(); // parked 2026-07-28 calls: their node invocations are cancelled
    await this.legacy.close();
    await this.modern.close();
  }
}
