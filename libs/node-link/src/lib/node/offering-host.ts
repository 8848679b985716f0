import { Logger } from '@nestjs/common';
import { UriTemplate } from '@modelcontextprotocol/server';
import {
  type PromptSpec, type ResourceSpec, type ResourceTemplateSpec, type OfferingContext, type ArgumentCompleter,
  toPromptDefinition, toResourceDefinition, toResourceTemplateDefinition,
} from '@pimcp/plugin-sdk';
import { ErrorCode, type NodeOfferings, type NodeRequest, PimcpError } from '@pimcp/protocol';

export interface OfferingHostOptions {
  nodeId?: string;
}

/** MCP caps a completion at 100 values. */
const MAX_COMPLETIONS = 100;
const MAX_ERROR_TEXT = 500;

interface Template {
  spec: ResourceTemplateSpec;
  matcher: UriTemplate;
}

/**
 * Serves the node's resources, resource templates and prompts to forwarded requests
 * (resources/read, prompts/get, completion/complete), each under the request's deadline and
 * cancellable by request id. Failures are PimcpError: RESOURCE_UNKNOWN, PROMPT_UNKNOWN, INVALID_ARGUMENTS, ...
 */
export class OfferingHost {
  private readonly logger = new Logger(OfferingHost.name);
  private readonly resources = new Map<string, ResourceSpec>();
  private readonly templates: Template[] = [];
  private readonly prompts = new Map<string, PromptSpec>();
  private readonly inFlight = new Map<string, AbortController>();

  constructor(
    contents: { resources?: ResourceSpec[]; resourceTemplates?: ResourceTemplateSpec[]; prompts?: PromptSpec[] },
    private readonly options: OfferingHostOptions = {},
  ) {
    this.replace(contents);
  }

  /** Swaps what the node offers (a plugin config reload); requests already running finish. Throws, changing nothing, on a clash. */
  replace(contents: { resources?: ResourceSpec[]; resourceTemplates?: ResourceTemplateSpec[]; prompts?: PromptSpec[] }): void {
    const resources = new Map<string, ResourceSpec>();
    const prompts = new Map<string, PromptSpec>();
    for (const resource of contents.resources ?? []) uniqueInto(resources, resource.uri, resource, 'resources share the URI');
    for (const prompt of contents.prompts ?? []) uniqueInto(prompts, prompt.name, prompt, 'prompts share the name');
    const templates = (contents.resourceTemplates ?? []).map((spec) => ({ spec, matcher: new UriTemplate(spec.uriTemplate) }));
    this.resources.clear();
    this.prompts.clear();
    this.templates.length = 0;
    for (const [uri, resource] of resources) this.resources.set(uri, resource);
    for (const [name, prompt] of prompts) this.prompts.set(name, prompt);
    this.templates.push(...templates);
  }

  /** The manifest entries (definitions without handlers). */
  definitions(): NodeOfferings {
    return {
      resources: [...this.resources.values()].map(toResourceDefinition),
      resourceTemplates: this.templates.map((t) => toResourceTemplateDefinition(t.spec)),
      prompts: [...this.prompts.values()].map(toPromptDefinition),
    };
  }

  get isEmpty(): boolean {
    return this.resources.size + this.templates.length + this.prompts.size === 0;
  }

  async handle(request: NodeRequest): Promise<Record<string, unknown>> {
    if (this.inFlight.has(request.requestId)) {
      throw new PimcpError(ErrorCode.InvalidRequest, `request ${request.requestId.slice(0, 128)} is already running on ${this.nodeName()}; request ids must be unique`);
    }
    const budget = request.deadline - Date.now();
    if (budget <= 0) throw new PimcpError(ErrorCode.DeadlineExceeded, `the deadline of ${request.method} passed before it reached ${this.nodeName()}`);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new PimcpError(ErrorCode.DeadlineExceeded, `${request.method} did not finish within its deadline (${budget} ms)`)), budget);
    this.inFlight.set(request.requestId, controller);
    const context: OfferingContext = {
      signal: controller.signal, requestId: request.requestId, caller: request.caller, deadline: request.deadline,
      logger: new Logger(`${request.method}:${request.requestId}`),
    };
    try {
      // The handler's own promise races the signal: a handler that ignores its signal still yields to the deadline.
      return await Promise.race([this.dispatch(request, context), aborted(controller.signal)]);
    } catch (err) {
      throw this.toPimcpError(err, request);
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(request.requestId);
    }
  }

  cancel(requestId: string, reason = 'cancelled by the caller'): boolean {
    const controller = this.inFlight.get(requestId);
    controller?.abort(new PimcpError(ErrorCode.Cancelled, `cancelled: ${reason.slice(0, 200)}`));
    return controller !== undefined;
  }

  private async dispatch(request: NodeRequest, context: OfferingContext): Promise<Record<string, unknown>> {
    const params = request.params;
    switch (request.method) {
      case 'resources/read':
        return this.read(stringParam(params, 'uri'), context);
      case 'prompts/get':
        return this.getPrompt(stringParam(params, 'name'), params['arguments'], context);
      case 'completion/complete':
        return this.complete(params, context);
    }
  }

  private async read(uri: string, context: OfferingContext): Promise<Record<string, unknown>> {
    const fixed = this.resources.get(uri);
    if (fixed) return checkedContents(await fixed.read(context), uri);
    for (const template of this.templates) {
      const variables = template.matcher.match(uri);
      if (variables) return checkedContents(await template.spec.read(uri, variables, context), uri);
    }
    throw new PimcpError(ErrorCode.ResourceUnknown, `${this.nodeName()} has no resource "${uri.slice(0, 200)}"`);
  }

  private async getPrompt(name: string, rawArgs: unknown, context: OfferingContext): Promise<Record<string, unknown>> {
    const prompt = this.prompts.get(name);
    if (!prompt) throw new PimcpError(ErrorCode.PromptUnknown, `${this.nodeName()} has no prompt "${name.slice(0, 100)}"`);
    const args = stringRecord(rawArgs, 'arguments');
    const missing = (prompt.arguments ?? []).filter((a) => a.required && args[a.name] === undefined).map((a) => a.name);
    if (missing.length > 0) {
      throw new PimcpError(ErrorCode.InvalidArguments, `prompt "${name}" needs the argument(s) ${missing.join(', ')}`);
    }
    const result = await prompt.get(args, context);
    if (!result || !Array.isArray(result.messages)) throw new Error(`prompt "${name}" returned no messages array`);
    return result;
  }

  private async complete(params: Record<string, unknown>, context: OfferingContext): Promise<Record<string, unknown>> {
    const ref = params['ref'] as Record<string, unknown> | undefined;
    const argument = params['argument'] as { name?: unknown; value?: unknown } | undefined;
    const name = typeof argument?.name === 'string' ? argument.name : '';
    const value = typeof argument?.value === 'string' ? argument.value : '';
    const completer = this.completerFor(ref, name);
    const values = completer ? await completer(value, context) : [];
    if (!Array.isArray(values)) throw new Error(`the completer of "${name}" returned no array`);
    const strings = values.filter((v): v is string => typeof v === 'string');
    return { completion: { values: strings.slice(0, MAX_COMPLETIONS), total: strings.length, hasMore: strings.length > MAX_COMPLETIONS } };
  }

  /** Unknown references complete to nothing: completion is a hint, not a contract. */
  private completerFor(ref: Record<string, unknown> | undefined, argument: string): ArgumentCompleter | undefined {
    if (ref?.['type'] === 'ref/prompt' && typeof ref['name'] === 'string') return this.prompts.get(ref['name'])?.complete?.[argument];
    if (ref?.['type'] === 'ref/resource' && typeof ref['uri'] === 'string') {
      return this.templates.find((t) => t.spec.uriTemplate === ref['uri'])?.spec.complete?.[argument];
    }
    return undefined;
  }

  private toPimcpError(err: unknown, request: NodeRequest): PimcpError {
    if (err instanceof PimcpError) return err;
    this.logger.error(`${request.method} (request ${request.requestId}) failed: ${(err as Error)?.stack ?? String(err)}`);
    const message = err instanceof Error ? err.message : String(err);
    return new PimcpError(ErrorCode.Internal, `${request.method} failed on ${this.nodeName()}: ${message.slice(0, MAX_ERROR_TEXT)}`);
  }

  private nodeName(): string {
    return this.options.nodeId ? `node ${this.options.nodeId}` : 'this node';
  }
}

function uniqueInto<T>(map: Map<string, T>, key: string, value: T, problem: string): void {
  if (map.has(key)) throw new PimcpError(ErrorCode.InvalidManifest, `two ${problem} "${key}"; each must be unique on a node`);
  map.set(key, value);
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
}

function stringParam(params: Record<string, unknown>, name: string): string {
  const value = params[name];
  if (typeof value !== 'string' || value.length === 0) throw new PimcpError(ErrorCode.InvalidRequest, `params.${name} must be a non-empty string`);
  return value;
}

function stringRecord(value: unknown, name: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  const ok = typeof value === 'object' && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
  if (!ok) throw new PimcpError(ErrorCode.InvalidArguments, `${name} must be an object of string values`);
  return value as Record<string, string>;
}

/** A result without a contents array would be relayed as a protocol violation; fail it here, naming the resource. */
function checkedContents(result: unknown, uri: string): Record<string, unknown> {
  const contents = (result as { contents?: unknown } | undefined)?.contents;
  if (!Array.isArray(contents)) throw new Error(`the reader of "${uri.slice(0, 200)}" returned no contents array`);
  return result as Record<string, unknown>;
}
