import { Logger } from '@nestjs/common';
import {
  Client, type ClientCapabilities, type LoggingMessageNotificationParams, type Prompt, ProtocolError, ProtocolErrorCode, type Resource,
  type ResourceTemplateType, StreamableHTTPClientTransport, type Tool, type Transport,
} from '@modelcontextprotocol/client';
import { ClientRequestError } from '@pimcp/plugin-sdk';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { type ClientRequestMethod, ErrorCode, PimcpError } from '@pimcp/protocol';
import type { BridgedServerConfig } from '../config/mcp-bridge.config';
import { RestartBackoff } from './restart-backoff';
import { deliverResponsesAfterNotifications } from './responses-after-notifications';

/** What a bridged server offers, as it last listed it. */
export interface ServerListing {
  tools: Tool[];
  resources: Resource[];
  resourceTemplates: ResourceTemplateType[];
  prompts: Prompt[];
  /** The server's own version (serverInfo.version), when it names one. */
  version?: string;
  completions: boolean;
}

/** A call in flight on the server: where its logging messages go (MCP logging is per connection, not per call). */
export interface CallObserver {
  log(params: LoggingMessageNotificationParams): void;
  /** Relays a request of the server to the MCP client that made this call; absent when the host cannot. */
  requestClient?(method: ClientRequestMethod, params: Record<string, unknown>): Promise<Record<string, unknown>>;
}

const EMPTY: ServerListing = { tools: [], resources: [], resourceTemplates: [], prompts: [], completions: false };
/** A connection that lived this long was healthy: its next crash restarts after initialMs again. */
const STABLE_AFTER_MS = 30_000;
const STDERR_LINE_MAX = 500;

/**
 * One MCP client connection to one configured server, shared by every call (never one per caller or session).
 * Restarts a stdio child that died (or reconnects to an HTTP server that went away) with exponential backoff;
 * while it is down, calls fail with NODE_UNAVAILABLE (retryable) and the last listing stays published.
 */
export class BridgedServer {
  private readonly logger: Logger;
  private readonly backoff: RestartBackoff;
  private readonly listeners = new Set<() => void>();
  private readonly observers = new Set<CallObserver>();
  private client: Client | undefined;
  private transport: Transport | undefined;
  private listing: ServerListing = EMPTY;
  private connectedAt = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private restarting = false;

  constructor(readonly config: BridgedServerConfig) {
    this.logger = new Logger(`mcp-bridge:${config.name}`);
    this.backoff = new RestartBackoff(config.restart);
  }

  /** Connects and lists for the first time; a server that cannot start stops the node's boot, naming it. */
  async start(): Promise<void> {
    try {
      await this.connect();
    } catch (err) {
      throw new PimcpError(ErrorCode.InvalidRequest, `mcp-bridge server "${this.config.name}" (${this.describe()}) did not start: ${messageOf(err)}`);
    }
  }

  get current(): ServerListing {
    return this.listing;
  }

  get isUp(): boolean {
    return this.client !== undefined;
  }

  /** The child's process id (stdio), for operators and tests. */
  get pid(): number | undefined {
    return this.transport instanceof StdioClientTransport ? this.transport.pid ?? undefined : undefined;
  }

  /** Called after the listing changed (a list_changed notification, or a restart that lists differently). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Runs `work` on the live connection. While the server is down the call is refused (retryable); a transport
   * failure during the call marks the connection lost so it is re-established.
   */
  async use<T>(work: (client: Client) => Promise<T>, observer?: CallObserver): Promise<T> {
    const client = this.client;
    if (!client) throw this.unavailable();
    if (observer) this.observers.add(observer);
    try {
      return await work(client);
    } catch (err) {
      if (this.config.transport === 'http' && isTransportFailure(err)) this.lost(client, messageOf(err));
      throw err;
    } finally {
      if (observer) this.observers.delete(observer);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.restartTimer);
    const client = this.client;
    this.client = undefined;
    await client?.close().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({ name: 'pimcp-mcp-bridge', version: '1.0.0' }, { capabilities: this.clientCapabilities() });
    const transport = this.newTransport();
    client.onclose = () => this.lost(client, 'the connection closed');
    client.onerror = (err) => this.logger.debug(`transport: ${messageOf(err)}`);
    client.setNotificationHandler('notifications/message', (n) => this.relayLog(n.params));
    const forwarded = this.config.clientRequests;
    if (forwarded.includes('sampling')) client.setRequestHandler('sampling/createMessage', (r) => this.askCaller('sampling/createMessage', r.params) as never);
    if (forwarded.includes('elicitation')) client.setRequestHandler('elicitation/create', (r) => this.askCaller('elicitation/create', r.params) as never);
    const roots = this.config.roots;
    if (roots) client.setRequestHandler('roots/list', () => ({ roots }));
    else if (forwarded.includes('roots')) client.setRequestHandler('roots/list', (r) => this.askCaller('roots/list', r.params ?? {}) as never);
    for (const method of ['notifications/tools/list_changed', 'notifications/resources/list_changed', 'notifications/prompts/list_changed'] as const) {
      client.setNotificationHandler(method, () => this.relist(client));
    }
    try {
      await client.connect(transport, { timeout: this.config.connectTimeoutMs });
      deliverResponsesAfterNotifications(transport);
      const listing = await listAll(client, this.config.connectTimeoutMs);
      if (this.closed) throw new Error('the bridge closed while connecting');
      this.client = client;
      this.transport = transport;
      this.connectedAt = Date.now();
      this.setListing(listing);
    } catch (err) {
      await client.close().catch(() => undefined);
      throw err;
    }
  }

  private newTransport(): Transport {
    const config = this.config;
    if (config.transport === 'http') {
      return new StreamableHTTPClientTransport(new URL(config.url), { requestInit: { headers: config.headers } });
    }
    const [command, ...args] = config.command as [string, ...string[]];
    const transport = new StdioClientTransport({
      command, args, env: { ...getDefaultEnvironment(), ...config.env }, stderr: 'pipe', ...(config.cwd ? { cwd: config.cwd } : {}),
    });
    transport.stderr?.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) this.logger.debug(`stderr: ${line.slice(0, STDERR_LINE_MAX)}`);
    });
    return transport;
  }

  /** The connection is gone: keep the listing (a restart usually restores it), refuse calls, restart with backoff. */
  private lost(client: Client, why: string): void {
    if (client !== this.client || this.closed) return;
    this.client = undefined;
    this.transport = undefined;
    if (Date.now() - this.connectedAt >= STABLE_AFTER_MS) this.backoff.reset();
    void client.close().catch(() => undefined);
    this.scheduleRestart(`lost (${why})`);
  }

  private scheduleRestart(what: string): void {
    if (this.closed || this.restarting) return;
    const delay = this.backoff.next();
    this.logger.warn(`${this.describe()} ${what}; restarting in ${delay} ms (attempt ${this.backoff.attempts})`);
    this.restarting = true;
    this.restartTimer = setTimeout(() => {
      this.connect().then(
        () => {
          this.restarting = false;
          this.logger.log(`${this.describe()} is back`);
        },
        (err: unknown) => {
          this.restarting = false;
          this.scheduleRestart(`did not restart (${messageOf(err)})`);
        },
      );
    }, delay);
  }

  private relist(client: Client): void {
    listAll(client, this.config.connectTimeoutMs).then(
      (listing) => client === this.client && this.setListing(listing),
      (err: unknown) => this.logger.warn(`could not list after a list_changed notification: ${messageOf(err)}`),
    );
  }

  private setListing(listing: ServerListing): void {
    const changed = JSON.stringify(listing) !== JSON.stringify(this.listing);
    this.listing = listing;
    if (changed) for (const listener of this.listeners) listener();
  }

  /** What the bridge declares it can do for the server: what it forwards to callers (clientRequests) or answers itself (roots). */
  private clientCapabilities(): ClientCapabilities {
    const forwarded = this.config.clientRequests;
    return {
      ...(forwarded.includes('sampling') ? { sampling: {} } : {}),
      ...(forwarded.includes('elicitation') ? { elicitation: { form: {} } } : {}),
      ...(forwarded.includes('roots') || this.config.roots ? { roots: {} } : {}),
    };
  }

  /**
   * A request of the server for its caller. MCP over one shared connection does not say which call it belongs to,
   * so it goes to the one call in flight; with none, or several, it is refused rather than sent to the wrong client.
   */
  private async askCaller(method: ClientRequestMethod, params: Record<string, unknown>): Promise<Record<string, unknown>> {
    const callers = [...this.observers].filter((o) => o.requestClient);
    if (callers.length !== 1) {
      const why = callers.length === 0 ? 'no call is in flight on this server' : `${callers.length} calls are in flight, so the caller is ambiguous`;
      throw new ProtocolError(ProtocolErrorCode.InvalidRequest, `PiMCP bridge cannot relay ${method}: ${why}`);
    }
    try {
      return await (callers[0] as Required<CallObserver>).requestClient(method, params);
    } catch (err) {
      if (err instanceof ClientRequestError) throw new ProtocolError(err.code, err.message);
      throw new ProtocolError(ProtocolErrorCode.InternalError, `PiMCP could not relay ${method} to the client: ${messageOf(err)}`);
    }
  }

  private relayLog(params: LoggingMessageNotificationParams): void {
    for (const observer of this.observers) observer.log(params);
  }

  private unavailable(): PimcpError {
    const why = this.closed ? 'the node is shutting down' : `it is restarting (attempt ${this.backoff.attempts})`;
    return new PimcpError(ErrorCode.NodeUnavailable, `the bridged MCP server "${this.config.name}" is not available: ${why}; retry shortly`);
  }

  private describe(): string {
    return this.config.transport === 'http' ? `server ${new URL(this.config.url).origin}` : `child ${this.config.command[0]}`;
  }
}

async function listAll(client: Client, timeout: number): Promise<ServerListing> {
  const capabilities = client.getServerCapabilities() ?? {};
  const options = { timeout, cacheMode: 'bypass' as const };
  const [tools, resources, resourceTemplates, prompts] = await Promise.all([
    capabilities.tools ? client.listTools(undefined, options).then((r) => r.tools) : [],
    capabilities.resources ? client.listResources(undefined, options).then((r) => r.resources) : [],
    capabilities.resources ? client.listResourceTemplates(undefined, options).then((r) => r.resourceTemplates) : [],
    capabilities.prompts ? client.listPrompts(undefined, options).then((r) => r.prompts) : [],
  ]);
  const version = client.getServerVersion()?.version;
  return { tools, resources, resourceTemplates, prompts, ...(version ? { version } : {}), completions: capabilities.completions !== undefined };
}

/** A failure of the connection itself (not an error answer from the server, a timeout or our own abort). */
function isTransportFailure(err: unknown): boolean {
  if (err instanceof ProtocolError) return false;
  const name = (err as Error | undefined)?.name;
  const code = (err as { code?: unknown } | undefined)?.code;
  return name !== 'AbortError' && code !== 'REQUEST_TIMEOUT';
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
