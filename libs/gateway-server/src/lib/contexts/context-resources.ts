import { ResourceNotFoundError } from '@modelcontextprotocol/server';
import type { ContextStore } from '@pimcp/context-store';
import type { ResourceTemplateDefinition } from '@pimcp/protocol';
import { contextUri, parseContextUri } from './context-uri';

/** Entries of a whole-context read; bigger contexts are read with context.list, a page at a time. */
const MAX_ENTRIES_PER_READ = 1000;

export const CONTEXT_RESOURCE_TEMPLATES: ResourceTemplateDefinition[] = [
  {
    uriTemplate: 'context://{id}', name: 'shared-context', mimeType: 'application/json',
    description: 'A shared context (every node and client sees it): {"revision", "entries": {key: value}}. Subscribe for updates.',
  },
  {
    uriTemplate: 'context://{id}/{key}', name: 'shared-context-key', mimeType: 'application/json',
    description: 'One key of a shared context, as JSON. Subscribe for updates.',
  },
];

/** Shared contexts read as MCP resources, served by the gateway from the context store. */
export class ContextResources {
  constructor(private readonly store: ContextStore) {}

  async read(uri: string): Promise<Record<string, unknown>> {
    const parsed = parseContextUri(uri);
    if (!parsed) throw new ResourceNotFoundError(uri, `"${uri.slice(0, 200)}" is not a context URI: use context://{id} or context://{id}/{key}, percent-encoded`);
    if (parsed.key !== undefined) {
      const found = await this.store.get(parsed.contextId, parsed.key);
      if (!found) throw new ResourceNotFoundError(uri, `context "${parsed.contextId}" has no key "${parsed.key.slice(0, 200)}"`);
      return { contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(found.value), _meta: { 'io.pimcp/revision': found.revision } }] };
    }
    const page = await this.store.list(parsed.contextId, { limit: MAX_ENTRIES_PER_READ });
    const entries = Object.fromEntries(page.entries.map((e) => [e.key, e.value]));
    const body = { revision: page.revision, entries, ...(page.cursor ? { truncated: true } : {}) };
    return { contents: [{ uri: contextUri(parsed.contextId), mimeType: 'application/json', text: JSON.stringify(body) }] };
  }
}
