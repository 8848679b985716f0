import { type ProtocolEra, Server, type ServerContext } from '@modelcontextprotocol/server';
import type { ClientRequestEvent, LogEvent, ProgressEvent } from '@pimcp/protocol';
import type { AccessPolicy } from '../auth/access-policy';
import type { CallToolUseCase } from '../calls/call-tool.usecase';
import type { ForwardRequestUseCase } from '../calls/forward-request.usecase';
import type { LocalTools } from '../calls/local-tools';
import type { OfferingCatalog } from '../calls/offering-catalog.port';
import type { ListedTool, ToolCatalog } from '../calls/tool-catalog.port';
import type { ContextResources } from '../contexts/context-resources';
import { callerOf } from './caller-of';
import { type CallHooks, InputRequiredCalls } from './input-required-calls';
import { registerOfferingHandlers } from './offering-handlers';
import { page } from './pagination';
import type { ResourceSubscriptions } from './resource-subscriptions';
import { canSee, requireCapability } from './scope-checks';
import { toMcpTool } from './to-mcp-tool';

export const TOOLS_PAGE_SIZE = 100;
/** How long a 2026-07-28 call waits for its client to retry with the answers it asked for; the call's deadline also bounds it. */
const INPUT_WAIT_MS = 5 * 60_000;

export interface GatewayServerInfo {
  name: string;
  version: string;
}

export interface GatewayMcpServerDeps {
  tools: ToolCatalog;
  offerings: OfferingCatalog;
  callTool: CallToolUseCase;
  forward: ForwardRequestUseCase;
  subscriptions: ResourceSubscriptions;
  /** The gateway's own tools (shared context), listed with the federated ones. */
  localTools?: LocalTools;
  contexts?: ContextResources;
  /** Scopes: each client lists and calls only what its token allows (ADR 0012). */
  policy: AccessPolicy;
}

/**
 * Builds one low-level MCP Server over the shared catalog. The low-level Server (not McpServer)
 * fits a proxy: the tool set changes at run time and lives outside any one server instance.
 */
export class GatewayMcpServerFactory {
  /** 2026-07-28 calls waiting for their client's answers (input_required rounds); shared by every Server instance. */
  readonly inputRequired = new InputRequiredCalls({ waitMs: INPUT_WAIT_MS });

  constructor(private readonly info: GatewayServerInfo, private readonly deps: GatewayMcpServerDeps) {}

  create(era: ProtocolEra | 'legacy-session'): Server {
    const server = new Server(this.info, {
      capabilities: {
        tools: { listChanged: true },
        resources: { listChanged: true, subscribe: true },
        prompts: { listChanged: true },
        completions: {},
        // Tools' log messages are relayed; the SDK filters them by the client's logging/setLevel (or `_meta` level).
        logging: {},
      },
      // Only state this gateway minted, for the same caller, continues a parked call (input_required rounds).
      requestState: { verify: (state, ctx) => this.inputRequired.codec.verify(state, ctx) },
      instructions: 'PiMCP gateway: tools, resources and prompts from every connected node. `<node-id>.<tool>` names target one node.',
    });
    const { policy } = this.deps;
    server.setRequestHandler('tools/list', async (request, ctx) => {
      // Filtered before paging, so cursors walk the client's own list.
      const visible = this.allTools().filter((t) => canSee(policy, ctx, policy.toolCapability(t.name, t.definition.name)));
      const { items, nextCursor } = page(visible, request.params?.cursor, TOOLS_PAGE_SIZE);
      return { tools: items.map(toMcpTool), ...(nextCursor ? { nextCursor } : {}) } as never;
    });
    server.setRequestHandler('tools/call', async (request, ctx) => {
      const { name, arguments: args, _meta } = request.params;
      // The HTTP layer already answered 403 for this; checked again here so no path reaches a tool without its scope.
      for (const capability of policy.requestCapabilities('tools/call', request.params)) requireCapability(policy, ctx, capability);
      const execute = (hooks: CallHooks) => this.deps.callTool.execute({
        name,
        arguments: args as Record<string, unknown> | undefined,
        meta: (_meta ?? undefined) as Record<string, unknown> | undefined,
        caller: callerOf(ctx),
        ...hooks,
      });
      const onProgress = progressRelay(ctx, _meta?.progressToken);
      const onLog = logRelay(ctx);
      // 2026-07-28 has no server→client requests: a tool's request of its client becomes an input_required round.
      if (era === 'modern') return (await this.inputRequired.round(ctx, { progress: onProgress, log: onLog }, execute)) as never;
      return (await execute({ signal: ctx.mcpReq.signal, onProgress, onLog, onClientRequest: clientRequestRelay(ctx) })) as never;
    });
    registerOfferingHandlers(server, {
      offerings: this.deps.offerings, forward: this.deps.forward, subscriptions: this.deps.subscriptions, policy,
      ...(this.deps.contexts ? { contexts: this.deps.contexts } : {}),
    });
    return server;
  }

  /** The gateway's own tools first; a node tool of the same name is shadowed (the names are reserved). */
  private allTools(): ListedTool[] {
    const local = this.deps.localTools?.list() ?? [];
    if (local.length === 0) return this.deps.tools.listTools();
    const reserved = new Set(local.map((t) => t.name));
    return [...local, ...this.deps.tools.listTools().filter((t) => !reserved.has(t.name))].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}

function progressRelay(ctx: ServerContext, token: string | number | undefined): (event: ProgressEvent) => void {
  if (token === undefined) return () => undefined;
  return (event) => {
    void ctx.mcpReq
      .notify({ method: 'notifications/progress', params: { progressToken: token, progress: event.progress, total: event.total, message: event.message } })
      .catch(() => undefined); // a client that went away does not fail the call
  };
}

function logRelay(ctx: ServerContext): (event: LogEvent) => void {
  return (event) => {
    void ctx.mcpReq.log(event.level, event.data, event.logger).catch(() => undefined);
  };
}

/**
 * A tool's request of the client (a bridged server's sampling, elicitation or roots) goes out as a request related
 * to this tools/call, so it travels on the call's own stream; the SDK checks the client declared the capability.
 */
function clientRequestRelay(ctx: ServerContext): (event: ClientRequestEvent) => Promise<Record<string, unknown>> {
  return async (event) => {
    const result = await ctx.mcpReq.send({ method: event.method, params: event.params }, { signal: ctx.mcpReq.signal });
    return result as Record<string, unknown>;
  };
}
