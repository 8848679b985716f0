import { randomUUID } from 'node:crypto';
import {
  type AuthInfo, type EventStore, isInitializeRequest, type Server, WebStandardStreamableHTTPServerTransport,
} from '@modelcontextprotocol/server';
import type { SessionStore } from '@pimcp/session-store';
import { Logger } from '@nestjs/common';
import type { GatewayMcpServerFactory } from './gateway-mcp-server.factory';
import type { ResourceSubscriptions } from './resource-subscriptions';

interface LocalSession {
  transport: WebStandardStreamableHTTPServerTransport;
  server: Server;
  subject: string;
  lastUsed: number;
}

export interface LegacySessionsOptions {
  ttlSeconds: number;
  maxRequestBodySize: number;
}

export interface FetchOptions {
  authInfo?: AuthInfo;
  parsedBody?: unknown;
}

/** Sessions one subject may hold on one replica; opening another closes its least recently used (bounded memory). */
export const MAX_SESSIONS_PER_SUBJECT = 32;

const JSON_HEADERS = { accept: 'application/json, text/event-stream', 'content-type': 'application/json' };

/**
 * Session-based (2025-era) MCP. Each session's initialize params live in the shared SessionStore, so a
 * replica that never saw a session rebuilds it by replaying initialize (the SDK keeps sessions in memory only).
 * A session is bound to the subject that opened it.
 */
export class LegacySessions {
  private readonly logger = new Logger(LegacySessions.name);
  private readonly local = new Map<string, LocalSession>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly factory: GatewayMcpServerFactory,
    private readonly store: SessionStore,
    private readonly eventStore: EventStore,
    private readonly options: LegacySessionsOptions,
  ) {
    this.sweeper = setInterval(() => this.evictIdle(), Math.min(60_000, options.ttlSeconds * 1000)).unref();
  }

  get size(): number {
    return this.local.size;
  }

  async handle(request: Request, opts: FetchOptions): Promise<Response> {
    const subject = subjectOf(opts.authInfo);
    const sessionId = request.headers.get('mcp-session-id');
    if (sessionId) return this.handleInSession(sessionId, subject, request, opts);
    if (request.method === 'POST' && isInitializeRequest(opts.parsedBody)) return this.open(subject, request, opts);
    return jsonRpcError(400, -32000, 'Bad Request: send initialize first, then the Mcp-Session-Id header it returns on every request');
  }

  /** Tells every session held on this replica that a list changed. */
  notifyListChanged(list: 'tools' | 'resources' | 'prompts'): void {
    for (const { server } of this.local.values()) {
      const sent = list === 'tools' ? server.sendToolListChanged() : list === 'resources' ? server.sendResourceListChanged() : server.sendPromptListChanged();
      sent.catch(() => undefined);
    }
  }

  /** Tells each session held on this replica that subscribed to `uri` that it changed. */
  notifyResourceUpdated(uri: string, subscriptions: ResourceSubscriptions): void {
    for (const { server } of this.local.values()) {
      if (subscriptions.has(server, uri)) server.sendResourceUpdated({ uri }).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.local.values()].map((s) => s.transport.close().catch(() => undefined)));
    this.local.clear();
  }

  private async handleInSession(sessionId: string, subject: string, request: Request, opts: FetchOptions): Promise<Response> {
    // One EXPIRE per request: keeps the TTL sliding and notices sessions deleted on another replica.
    const alive = await this.store.touch(sessionId, this.options.ttlSeconds);
    const session = alive ? (this.local.get(sessionId) ?? (await this.rehydrate(sessionId, request.url))) : undefined;
    if (!alive) await this.dropLocal(sessionId);
    if (!session || session.subject !== subject) {
      return jsonRpcError(404, -32001, 'Session not found: it expired or was closed; start a new session with initialize');
    }
    session.lastUsed = Date.now();
    return session.transport.handleRequest(request, opts);
  }

  private async open(subject: string, request: Request, opts: FetchOptions): Promise<Response> {
    await this.makeRoomFor(subject);
    const session = await this.connect(() => randomUUID(), subject);
    const response = await session.transport.handleRequest(request, opts);
    const sessionId = session.transport.sessionId;
    if (sessionId) {
      const params = (opts.parsedBody as { params?: Record<string, unknown> }).params ?? {};
      await this.store.put({ sessionId, subject, initParams: params, createdAt: new Date().toISOString() }, this.options.ttlSeconds);
    }
    return response;
  }

  private async rehydrate(sessionId: string, url: string): Promise<LocalSession | undefined> {
    const record = await this.store.get(sessionId);
    if (!record) return undefined;
    const session = await this.connect(() => sessionId, record.subject);
    const init = { jsonrpc: '2.0', id: `rehydrate-${sessionId}`, method: 'initialize', params: record.initParams };
    await (await session.transport.handleRequest(new Request(url, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(init) }))).text();
    const initialized = { jsonrpc: '2.0', method: 'notifications/initialized' };
    await (await session.transport.handleRequest(new Request(url, {
      method: 'POST', headers: { ...JSON_HEADERS, 'mcp-session-id': sessionId }, body: JSON.stringify(initialized),
    }))).text();
    this.logger.debug(`session ${sessionId} rebuilt on this replica`);
    return session;
  }

  private async connect(sessionIdGenerator: () => string, subject: string): Promise<LocalSession> {
    const server = this.factory.create('legacy-session');
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator,
      eventStore: this.eventStore,
      maxRequestBodySize: this.options.maxRequestBodySize,
      onsessioninitialized: (id) => {
        this.local.set(id, session);
      },
      onsessionclosed: (id) => {
        this.store.delete(id).catch((err: Error) => this.logger.warn(`could not delete session: ${err.message}`));
      },
    });
    const session: LocalSession = { transport, server, subject, lastUsed: Date.now() };
    transport.onclose = () => {
      if (transport.sessionId) this.local.delete(transport.sessionId);
    };
    await server.connect(transport);
    return session;
  }

  private async dropLocal(sessionId: string): Promise<void> {
    const session = this.local.get(sessionId);
    this.local.delete(sessionId);
    await session?.transport.close().catch(() => undefined);
  }

  private async makeRoomFor(subject: string): Promise<void> {
    const own = [...this.local.entries()].filter(([, s]) => s.subject === subject).sort(([, a], [, b]) => a.lastUsed - b.lastUsed);
    for (const [id] of own.slice(0, Math.max(0, own.length - MAX_SESSIONS_PER_SUBJECT + 1))) {
      await this.dropLocal(id);
      await this.store.delete(id).catch(() => undefined);
    }
  }

  /** Sessions idle past their TTL leave memory; the shared record expires by itself. */
  private evictIdle(): void {
    const cutoff = Date.now() - this.options.ttlSeconds * 1000;
    for (const [id, session] of this.local) if (session.lastUsed < cutoff) void this.dropLocal(id);
  }
}

function subjectOf(authInfo: AuthInfo | undefined): string {
  const subject = authInfo?.extra?.['subject'];
  return typeof subject === 'string' ? subject : 'anonymous';
}

function jsonRpcError(status: number, code: number, message: string): Response {
  return Response.json({ jsonrpc: '2.0', error: { code, message }, id: null }, { status });
}
