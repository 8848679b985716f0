import { ProtocolError, ProtocolErrorCode, ResourceNotFoundError, type Server } from '@modelcontextprotocol/server';
import type { ForwardRequestUseCase } from '../calls/forward-request.usecase';
import type { OfferingCatalog } from '../calls/offering-catalog.port';
import { callerOf } from './caller-of';
import { page } from './pagination';

export const OFFERINGS_PAGE_SIZE = 100;

/** resources/*, prompts/* and completion/complete over the federated offerings (ADR 0008). */
export function registerOfferingHandlers(server: Server, offerings: OfferingCatalog, forward: ForwardRequestUseCase): void {
  server.setRequestHandler('resources/list', async (request) => {
    const { items, nextCursor } = page(offerings.listResources(), request.params?.cursor, OFFERINGS_PAGE_SIZE);
    return { resources: items, ...(nextCursor ? { nextCursor } : {}) } as never;
  });
  server.setRequestHandler('resources/templates/list', async (request) => {
    const { items, nextCursor } = page(offerings.listResourceTemplates(), request.params?.cursor, OFFERINGS_PAGE_SIZE);
    return { resourceTemplates: items, ...(nextCursor ? { nextCursor } : {}) } as never;
  });
  server.setRequestHandler('prompts/list', async (request) => {
    const { items, nextCursor } = page(offerings.listPrompts(), request.params?.cursor, OFFERINGS_PAGE_SIZE);
    return { prompts: items, ...(nextCursor ? { nextCursor } : {}) } as never;
  });

  server.setRequestHandler('resources/read', async (request, ctx) => {
    const { uri } = request.params;
    const providers = offerings.resourceProviders(uri);
    if (providers.length === 0) throw unknownResource(uri);
    return (await forward.execute({ method: 'resources/read', params: { uri }, providers, target: uri, caller: callerOf(ctx), signal: ctx.mcpReq.signal })) as never;
  });
  server.setRequestHandler('prompts/get', async (request, ctx) => {
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
    const { ref } = request.params;
    const providers = ref.type === 'ref/prompt' ? offerings.promptProviders(ref.name) : offerings.templateProviders(ref.uri);
    // Completion is a hint: nothing to complete from is an empty answer, not an error.
    if (providers.length === 0) return { completion: { values: [] } } as never;
    const target = ref.type === 'ref/prompt' ? `prompt ${ref.name}` : ref.uri;
    return (await forward.execute({
      method: 'completion/complete', params: request.params as unknown as Record<string, unknown>, providers, target, caller: callerOf(ctx), signal: ctx.mcpReq.signal,
    })) as never;
  });

  // Subscriptions are acknowledged for resources that exist; updates are sent for gateway-hosted resources
  // (see docs/architecture.md), and nodes do not push resource updates over the link yet.
  server.setRequestHandler('resources/subscribe', async (request) => {
    if (offerings.resourceProviders(request.params.uri).length === 0) throw unknownResource(request.params.uri);
    return {} as never;
  });
  server.setRequestHandler('resources/unsubscribe', async () => ({}) as never);
}

/** -32602 with `data.uri`, as the 2026-07-28 spec requires in every era (clients also accept the older -32002). */
function unknownResource(uri: string): ProtocolError {
  return new ResourceNotFoundError(uri.slice(0, 2048), `Unknown resource "${uri.slice(0, 200)}"; call resources/list or resources/templates/list`);
}
