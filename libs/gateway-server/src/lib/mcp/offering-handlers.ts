import { ProtocolError, ProtocolErrorCode, ResourceNotFoundError, type Server } from '@modelcontextprotocol/server';
import type { AccessPolicy } from '../auth/access-policy';
import type { ForwardRequestUseCase } from '../calls/forward-request.usecase';
import type { OfferingCatalog } from '../calls/offering-catalog.port';
import { CONTEXT_RESOURCE_TEMPLATES, type ContextResources } from '../contexts/context-resources';
import { isContextUri } from '../contexts/context-uri';
import { callerOf } from './caller-of';
import { page } from './pagination';
import { MAX_SUBSCRIPTIONS_PER_SESSION, type ResourceSubscriptions } from './resource-subscriptions';
import { canSee, requireCapability } from './scope-checks';

export interface OfferingHandlerDeps {
  offerings: OfferingCatalog;
  forward: ForwardRequestUseCase;
  subscriptions: ResourceSubscriptions;
  /** Shared contexts as `context://` resources, when the gateway has a context store. */
  contexts?: ContextResources;
  policy: AccessPolicy;
}

export const OFFERINGS_PAGE_SIZE = 100;

/** resources/*, prompts/* and completion/complete over the federated offerings (ADR 0008) and the shared contexts. */
export function registerOfferingHandlers(server: Server, deps: OfferingHandlerDeps): void {
  const { offerings, forward, subscriptions, contexts, policy } = deps;
  const localTemplates = contexts ? CONTEXT_RESOURCE_TEMPLATES : [];
  // Lists show each client what its scopes allow, filtered before paging (a template matches by its URI template).
  server.setRequestHandler('resources/list', async (request, ctx) => {
    const visible = offerings.listResources().filter((r) => canSee(policy, ctx, policy.resourceCapability(r.uri)));
    const { items, nextCursor } = page(visible, request.params?.cursor, OFFERINGS_PAGE_SIZE);
    return { resources: items, ...(nextCursor ? { nextCursor } : {}) } as never;
  });
  server.setRequestHandler('resources/templates/list', async (request, ctx) => {
    const visible = [...localTemplates, ...offerings.listResourceTemplates()].filter((t) => canSee(policy, ctx, policy.resourceCapability(t.uriTemplate)));
    const { items, nextCursor } = page(visible, request.params?.cursor, OFFERINGS_PAGE_SIZE);
    return { resourceTemplates: items, ...(nextCursor ? { nextCursor } : {}) } as never;
  });
  server.setRequestHandler('prompts/list', async (request, ctx) => {
    const visible = offerings.listPrompts().filter((p) => canSee(policy, ctx, { kind: 'prompt', name: p.name }));
    const { items, nextCursor } = page(visible, request.params?.cursor, OFFERINGS_PAGE_SIZE);
    return { prompts: items, ...(nextCursor ? { nextCursor } : {}) } as never;
  });
  // Every request that reaches a capability is checked here too (the HTTP layer answered 403 first).
  const check = (method: string, params: unknown, ctx: Parameters<typeof requireCapability>[1]) => {
    for (const capability of policy.requestCapabilities(method, params)) requireCapability(policy, ctx, capability);
  };

  server.setRequestHandler('resources/read', async (request, ctx) => {
    check('resources/read', request.params, ctx);
    const { uri } = request.params;
    if (contexts && isContextUri(uri)) return (await contexts.read(uri)) as never;
    const providers = offerings.resourceProviders(uri);
    if (providers.length === 0) throw unknownResource(uri);
    return (await forward.execute({ method: 'resources/read', params: { uri }, providers, target: uri, caller: callerOf(ctx), signal: ctx.mcpReq.signal })) as never;
  });
  server.setRequestHandler('prompts/get', async (request, ctx) => {
    check('prompts/get', request.params, ctx);
    const { name, arguments: args } = request.params;
    const providers = offerings.promptProviders(name);
    if (providers.length === 0) {
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown prompt "${name.slice(0, 200)}"; call prompts/list for the prompts this gateway offers`);
    }
    return (await forward.execute({
      method: 'prompts/get', params: { name, ...(args ? { arguments: args } : {}) }, providers, target: `prompt ${name}`, caller: callerOf(ctx), signal: ctx.mcpReq.signal,
    })) as never;
  });
  server.setRequestHandler('completion/complete', async (request, ctx) => {
    check('completion/complete', request.params, ctx);
    const { ref } = request.params;
    if (ref.type === 'ref/resource' && isContextUri(ref.uri)) return { completion: { values: [] } } as never;
    const providers = ref.type === 'ref/prompt' ? offerings.promptProviders(ref.name) : offerings.templateProviders(ref.uri);
    // Completion is a hint: nothing to complete from is an empty answer, not an error.
    if (providers.length === 0) return { completion: { values: [] } } as never;
    const target = ref.type === 'ref/prompt' ? `prompt ${ref.name}` : ref.uri;
    return (await forward.execute({
      method: 'completion/complete', params: request.params as unknown as Record<string, unknown>, providers, target, caller: callerOf(ctx), signal: ctx.mcpReq.signal,
    })) as never;
  });

  // Updates are sent for the shared contexts (context://); nodes do not push resource updates over the link yet,
  // so a subscription to a node's resource is acknowledged and stays quiet (ADR 0008).
  server.setRequestHandler('resources/subscribe', async (request, ctx) => {
    check('resources/subscribe', request.params, ctx);
    const { uri } = request.params;
    const known = (contexts !== undefined && isContextUri(uri)) || offerings.resourceProviders(uri).length > 0;
    if (!known) throw unknownResource(uri);
    if (!subscriptions.add(server, uri)) {
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, `This session already has ${MAX_SUBSCRIPTIONS_PER_SESSION} subscriptions; unsubscribe from some first`);
    }
    return {} as never;
  });
  server.setRequestHandler('resources/unsubscribe', async (request) => {
    subscriptions.remove(server, request.params.uri);
    return {} as never;
  });
}

/** -32602 with `data.uri`, as the 2026-07-28 spec requires in every era (clients also accept the older -32002). */
function unknownResource(uri: string): ProtocolError {
  return new ResourceNotFoundError(uri.slice(0, 2048), `Unknown resource "${uri.slice(0, 200)}"; call resources/list or resources/templates/list`);
}
