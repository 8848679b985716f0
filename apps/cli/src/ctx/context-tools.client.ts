import type { Client } from '@modelcontextprotocol/client';
import { CliError } from '../shared/cli-error';
import type { ContextEntry } from './context-diff';

export interface ContextKey {
  context: string;
  key: string;
  found: boolean;
  value: unknown;
  revision: number;
}

const MAX_PAGES = 1000;

/** The gateway's context.get / context.put / context.list tools (README "Shared context"), typed for the CLI. */
export class ContextToolsClient {
  constructor(private readonly client: Client) {}

  async get(context: string, key: string): Promise<ContextKey> {
    return (await this.call('context.get', { context, key })) as unknown as ContextKey;
  }

  async put(context: string, key: string, value: unknown, options: { expectedRevision?: number; ttlSeconds?: number } = {}): Promise<{ context: string; key: string; revision: number }> {
    const args = {
      context, key, value,
      ...(options.expectedRevision !== undefined ? { expectedRevision: options.expectedRevision } : {}),
      ...(options.ttlSeconds !== undefined ? { ttlSeconds: options.ttlSeconds } : {}),
    };
    return (await this.call('context.put', args)) as unknown as { context: string; key: string; revision: number };
  }

  /** Every entry, page by page, and the context revision of the first page. */
  async list(context: string): Promise<{ revision: number; entries: ContextEntry[] }> {
    const entries: ContextEntry[] = [];
    let revision = 0;
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const result = (await this.call('context.list', { context, limit: 1000, ...(cursor ? { cursor } : {}) })) as { revision: number; entries: ContextEntry[]; cursor?: string };
      if (page === 0) revision = result.revision;
      entries.push(...result.entries);
      cursor = result.cursor;
      if (!cursor) break;
    }
    return { revision, entries };
  }

  private async call(name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
    const result = await this.client.callTool({ name, arguments: args });
    if (result.isError) {
      const text = (result.content ?? []).map((c) => (c.type === 'text' ? c.text : '')).join(' ').trim();
      throw CliError.failure(`${name} failed: ${text || '(no message)'}`);
    }
    return (result.structuredContent ?? {}) as Record<string, unknown>;
  }
}
