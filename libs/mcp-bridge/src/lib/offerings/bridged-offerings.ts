import { Logger } from '@nestjs/common';
import type { Client } from '@modelcontextprotocol/client';
import {
  type ArgumentCompleter, definePrompt, defineResource, defineResourceTemplate, type OfferingContext, type PromptResult, type PromptSpec,
  type ResourceReadResult, type ResourceSpec, type ResourceTemplateSpec,
} from '@pimcp/plugin-sdk';
import { manifestLimits } from '@pimcp/protocol';
import type { BridgedServer } from '../connection/bridged-server';
import { toPimcpError } from './bridge-errors';

const logger = new Logger('mcp-bridge');

export interface BridgedOfferings {
  resources: ResourceSpec[];
  resourceTemplates: ResourceTemplateSpec[];
  prompts: PromptSpec[];
}

/**
 * The server's resources, resource templates and prompts as node offerings. URIs stay as the server names them
 * (they appear inside contents and links); prompt names take the prefix. Entries the registry cannot take are skipped.
 */
export function bridgedOfferings(server: BridgedServer): BridgedOfferings {
  const { resources, resourceTemplates, prompts, completions } = server.current;
  const prefix = server.config.prefix;
  const read = (uri: string, ctx: OfferingContext) => forward(server, ctx, `read ${uri}`, (c) => c.readResource({ uri }, { signal: ctx.signal, timeout: budget(server, ctx) })) as Promise<ResourceReadResult>;
  return {
    resources: keep(server, 'resources', resources.slice(0, manifestLimits.resourcesPerNode), (r) => defineResource({
      uri: r.uri, name: r.name, ...optional(r, ['title', 'description', 'mimeType', 'size']),
      read: (ctx) => read(r.uri, ctx),
    })),
    resourceTemplates: keep(server, 'resource templates', resourceTemplates.slice(0, manifestLimits.resourceTemplatesPerNode), (t) => defineResourceTemplate({
      uriTemplate: t.uriTemplate, name: t.name, ...optional(t, ['title', 'description', 'mimeType']),
      read: (uri, _variables, ctx) => read(uri, ctx),
      ...(completions ? { complete: completers(server, { type: 'ref/resource', uri: t.uriTemplate }, templateVariables(t.uriTemplate)) } : {}),
    })),
    prompts: keep(server, 'prompts', prompts.slice(0, manifestLimits.promptsPerNode), (p) => definePrompt({
      name: prefix ? `${prefix}.${p.name}` : p.name, ...optional(p, ['title', 'description']),
      ...(p.arguments ? { arguments: p.arguments.map((a) => ({ name: a.name, ...optional(a, ['description', 'required']) })) } : {}),
      get: (args, ctx) => forward(server, ctx, `prompt ${p.name}`, (c) => c.getPrompt({ name: p.name, arguments: args }, { signal: ctx.signal, timeout: budget(server, ctx) })) as Promise<PromptResult>,
      ...(completions ? { complete: completers(server, { type: 'ref/prompt', name: p.name }, (p.arguments ?? []).map((a) => a.name)) } : {}),
    })),
  };
}

async function forward<T>(server: BridgedServer, ctx: OfferingContext, what: string, work: (client: Client) => Promise<T>): Promise<T> {
  try {
    return await server.use(work);
  } catch (err) {
    throw toPimcpError(err, ctx.signal, `${server.config.name}: ${what}`);
  }
}

function completers(server: BridgedServer, ref: { type: 'ref/prompt'; name: string } | { type: 'ref/resource'; uri: string }, names: string[]): Record<string, ArgumentCompleter> {
  return Object.fromEntries(names.map((name) => [name, async (value: string, ctx: OfferingContext) => {
    const result = await forward(server, ctx, `complete ${name}`, (c) => c.complete({ ref, argument: { name, value } }, { signal: ctx.signal, timeout: budget(server, ctx) }));
    return result.completion.values;
  }]));
}

/** RFC 6570 variable names of a template, e.g. `test://{a}/{+b,c}` → a, b, c. */
function templateVariables(template: string): string[] {
  return [...template.matchAll(/\{[+#./;?&]?([^}]+)\}/g)].flatMap((m) => (m[1] ?? '').split(',').map((v) => v.replace(/[*]|:\d+$/g, '')));
}

function budget(server: BridgedServer, ctx: OfferingContext): number {
  return Math.max(1, Math.min(ctx.deadline - Date.now(), server.config.callTimeoutMs));
}

function keep<T, S>(server: BridgedServer, kind: string, items: T[], define: (item: T) => S): S[] {
  return items.flatMap((item) => {
    try {
      return [define(item)];
    } catch (err) {
      logger.warn(`${server.config.name}: skipping one of its ${kind}: ${(err as Error).message}`);
      return [];
    }
  });
}

function optional<T extends object, K extends keyof T>(source: T, keys: K[]): Partial<Pick<T, K>> {
  return Object.fromEntries(keys.filter((k) => source[k] !== undefined && source[k] !== null).map((k) => [k, source[k]])) as Partial<Pick<T, K>>;
}
