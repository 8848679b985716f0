import type { Socket } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { ClientRedis } from '@nestjs/microservices';
import {
  type ClientReply, type ClientRequestEvent, ErrorCode, type InvokeEvent, type InvokeRequest, type LogEvent, type NodeRequest, NodeLinkPatterns,
  nodeLinkChannel, PimcpError, type PingReply, type ProgressEvent,
} from '@pimcp/protocol';
import type { Subscription } from 'rxjs';
import { redisLinkOptions } from '../redis-link-options';
import { parseLinkAddress } from './link-address';
import { NodeLinkTcpClient } from './node-link-tcp.client';

export interface NodeInvokeOptions {
  /** Aborting rejects the call with CANCELLED at once and tells the node to abort its handler. */
  signal?: AbortSignal;
  /** Called for each progress event, always before the call resolves. */
  onProgress?: (event: ProgressEvent) => void;
  /** Called for each message the tool logged, always before the call resolves. */
  onLog?: (event: LogEvent) => void;
  /**
   * Asks the MCP client that made the call (sampling, elicitation, roots) for the tool; its result or error is sent
   * back to the node. Without it, such requests are answered "method not found".
   */
  onClientRequest?: (event: ClientRequestEvent) => Promise<Record<string, unknown>>;
}

/** JSON-RPC "method not found": what a client that cannot take a request answers. */
const METHOD_NOT_FOUND = -32601;

/** What one exchange sends: an invocation or a forwarded request, both answered by a stream ending in a result. */
interface Exchange {
  pattern: string;
  payload: InvokeRequest | NodeRequest;
  requestId: string;
  deadline: number;
  /** Names the operation in errors: the tool, or the method. */
  label: string;
}

export interface NodeLinkTarget {
  nodeId: string;
  /** `tcp://host:port` (the gateway dials the node) or `redis://host:port` (both meet at a broker). */
  linkAddress: string;
}

export interface NodeLinkClientOptions {
  /** The broker URL, with the gateway's own credentials, for nodes whose link address is redis://. */
  redisUrl?: string;
  /** How long a new TCP connection may take before the call fails with NODE_UNAVAILABLE. */
  connectTimeoutMs?: number;
  /**
   * How long past the deadline to wait before giving up locally. The node enforces the deadline itself
   * and says so; this local timer covers a node that stopped answering altogether.
   */
  deadlineSlackMs?: number;
  /** Largest message accepted from a TCP node, in characters; a bigger one drops the connection. */
  maxMessageChars?: number;
  /**
   * TLS for tcp:// nodes, per node: the options should make the node's certificate name that node
   * (mTLS, ADR 0014). Absent: plaintext.
   */
  tcpTls?: (nodeId: string) => ConnectionOptions;
  /** CA or client certificate for a rediss:// broker. */
  redisTls?: ConnectionOptions;
  /** Told when the link itself fails (unreachable, connection lost, no answer after leaving), not the node's errors. */
  onLinkFailure?: (nodeId: string) => void;
}

/** What Nest's TCP server answers for a pattern it has no handler for. */
const NO_HANDLER = 'There is no matching message handler defined in the remote service.';
// setTimeout fires at once for anything longer (about 24.8 days).
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The gateway's link to one node, over @nestjs/microservices TCP or through a Redis broker (ADR 0005).
 * One connection, opened on first use and again after it drops, carries any number of concurrent calls.
 */
export class NodeLinkClient {
  private readonly client: NodeLinkTcpClient | ClientRedis;
  private readonly invokePattern: string;
  private readonly requestPattern: string;
  private readonly cancelPattern: string;
  private readonly clientReplyPattern: string;
  private readonly pingPattern: string;
  private readonly connectTimeoutMs: number;
  private readonly deadlineSlackMs: number;
  private readonly onLinkFailure: ((nodeId: string) => void) | undefined;
  readonly linkAddress: string;
  private readonly nodeId: string;
  /** Fails each exchange still waiting; a Redis broker cannot tell that a node died, so the catalog must. */
  private readonly inFlight = new Set<(error: PimcpError) => void>();
  /** A ping still out: closing the transport under it would reject its publish with nobody listening. */
  private pinging: Promise<boolean> | undefined;

  constructor(target: NodeLinkTarget, options: NodeLinkClientOptions = {}) {
    this.linkAddress = target.linkAddress;
    this.nodeId = target.nodeId;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 3000;
    this.deadlineSlackMs = options.deadlineSlackMs ?? 1000;
    this.onLinkFailure = options.onLinkFailure;
    const scheme = /^([a-z]+):/.exec(target.linkAddress)?.[1];
    if (scheme === 'redis' || scheme === 'rediss') {
      if (!options.redisUrl) {
        throw new PimcpError(ErrorCode.NodeUnavailable, `node ${target.nodeId} is reached through a Redis broker (${target.linkAddress}) but this gateway has none; set PIMCP_NODE_LINK_REDIS_URL`);
      }
      this.client = new ClientRedis(redisLinkOptions(options.redisUrl, options.redisTls));
      this.invokePattern = nodeLinkChannel(NodeLinkPatterns.invoke, target.nodeId);
      this.requestPattern = nodeLinkChannel(NodeLinkPatterns.request, target.nodeId);
      this.cancelPattern = nodeLinkChannel(NodeLinkPatterns.cancel, target.nodeId);
      this.clientReplyPattern = nodeLinkChannel(NodeLinkPatterns.clientReply, target.nodeId);
      this.pingPattern = nodeLinkChannel(NodeLinkPatterns.ping, target.nodeId);
    } else {
      const { host, port } = parseLinkAddress(target.linkAddress);
      this.client = new NodeLinkTcpClient(target.linkAddress, {
        host, port, maxBufferSize: options.maxMessageChars ?? 64 * 1024 * 1024, ...(options.tcpTls ? { tlsOptions: options.tcpTls(target.nodeId) } : {}),
      });
      this.invokePattern = NodeLinkPatterns.invoke;
      this.requestPattern = NodeLinkPatterns.request;
      this.cancelPattern = NodeLinkPatterns.cancel;
      this.clientReplyPattern = NodeLinkPatterns.clientReply;
      this.pingPattern = NodeLinkPatterns.ping;
    }
  }

  /**
   * Runs one invocation and resolves with the node's CallToolResult; progress arrives through onProgress
   * first. Rejects with PimcpError: the node's own (TOOL_UNKNOWN, INVALID_ARGUMENTS, DEADLINE_EXCEEDED,
   * ...), NODE_UNAVAILABLE when the node cannot be reached or the connection drops mid-call,
   * DEADLINE_EXCEEDED when no answer arrives in time, CANCELLED when `signal` aborts.
   */
  invoke(request: InvokeRequest, options: NodeInvokeOptions = {}): Promise<Record<string, unknown>> {
    return this.exchange({ pattern: this.invokePattern, payload: request, requestId: request.requestId, deadline: request.deadline, label: request.tool }, options);
  }

  /**
   * Forwards resources/read, prompts/get or completion/complete and resolves with the node's MCP result.
   * Rejects as invoke() does (RESOURCE_UNKNOWN, PROMPT_UNKNOWN, INVALID_ARGUMENTS from the node).
   */
  request(request: NodeRequest, options: Pick<NodeInvokeOptions, 'signal'> = {}): Promise<Record<string, unknown>> {
    return this.exchange({ pattern: this.requestPattern, payload: request, requestId: request.requestId, deadline: request.deadline, label: request.method }, options);
  }

  private exchange(exchange: Exchange, options: NodeInvokeOptions): Promise<Record<string, unknown>> {
    const { signal, onProgress, onLog, onClientRequest } = options;
    return new Promise((resolve, reject) => {
      let settled = false;
      let sent = false;
      const link: { subscription?: Subscription } = {};
      const timers: NodeJS.Timeout[] = [];
      const finish = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        this.inFlight.delete(lost);
        timers.forEach(clearTimeout);
        signal?.removeEventListener('abort', onAbort);
        link.subscription?.unsubscribe();
        outcome();
      };
      /** Stops waiting; the node, if it got the call, is told to stop too. */
      const abandon = (error: PimcpError, reason: string) => {
        if (sent && !settled) this.cancel(exchange.requestId, reason);
        finish(() => reject(error));
      };
      // Abandoned when the node leaves; not told to cancel, there is nobody left to tell.
      const lost = (error: PimcpError) => finish(() => reject(error));
      this.inFlight.add(lost);
      const onAbort = () => abandon(
        new PimcpError(ErrorCode.Cancelled, `the caller cancelled ${exchange.label}`),
        signal?.reason instanceof Error ? signal.reason.message : String(signal?.reason ?? 'cancelled by the caller'),
      );

      if (signal?.aborted) return onAbort();
      const remaining = exchange.deadline - Date.now();
      if (remaining <= 0) {
        return finish(() => reject(new PimcpError(ErrorCode.DeadlineExceeded, `the deadline of ${exchange.label} passed before it was sent to the node at ${this.linkAddress}`).notStarted()));
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      timers.push(setTimeout(() => abandon(
        new PimcpError(ErrorCode.DeadlineExceeded, `no answer from the node at ${this.linkAddress} to ${exchange.label} before its deadline`),
        'deadline passed',
      ), Math.min(remaining + this.deadlineSlackMs, MAX_TIMER_MS)));

      const send = () => {
        if (settled) return;
        sent = true;
        link.subscription = this.client.send<InvokeEvent>(exchange.pattern, exchange.payload).subscribe({
          next: (event) => {
            if (event?.type === 'progress') onProgress?.(event);
            else if (event?.type === 'log') onLog?.(event);
            else if (event?.type === 'client-request') this.relayClientRequest(exchange.requestId, event, onClientRequest, () => settled);
            else if (event?.type === 'result' && isObject(event.result)) finish(() => resolve(event.result));
            else finish(() => reject(new PimcpError(ErrorCode.Internal, `the node at ${this.linkAddress} sent an event this gateway does not understand`)));
          },
          error: (err: unknown) => finish(() => reject(this.toPimcpError(err))),
          complete: () => finish(() => reject(new PimcpError(ErrorCode.NodeUnavailable, `the node at ${this.linkAddress} ended ${exchange.label} without a result`))),
        });
      };
      if (!(this.client instanceof NodeLinkTcpClient)) return send();
      // A TCP node that does not accept the connection fails fast rather than at the deadline.
      timers.push(setTimeout(() => {
        if (sent) return;
        this.dropConnection();
        this.onLinkFailure?.(this.nodeId);
        finish(() => reject(new PimcpError(ErrorCode.NodeUnavailable, `the node at ${this.linkAddress} did not accept a connection within ${this.connectTimeoutMs} ms`).notStarted()));
      }, this.connectTimeoutMs));
      // A connection that never opened carried nothing: the call did not start.
      this.client.connect().then(send, (err: unknown) => finish(() => reject(this.toPimcpError(err).notStarted())));
    });
  }

  /** Calls and requests waiting for the node. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** True when the node answers a ping within timeoutMs; never throws. */
  ping(timeoutMs: number): Promise<boolean> {
    const ping = new Promise<boolean>((resolve) => {
      const link: { subscription?: Subscription } = {};
      const timer = setTimeout(() => done(false), timeoutMs);
      link.subscription = this.client.send<PingReply>(this.pingPattern, {}).subscribe({
        next: (reply) => done(reply?.nodeId === this.nodeId || reply?.nodeId === ''),
        error: () => done(false),
      });
      function done(alive: boolean): void {
        clearTimeout(timer);
        link.subscription?.unsubscribe();
        resolve(alive);
      }
    });
    this.pinging = ping;
    return ping;
  }

  /** Asks the calling client on the node's behalf and sends the answer back, unless the call ended meanwhile. */
  private relayClientRequest(
    requestId: string, event: ClientRequestEvent, ask: NodeInvokeOptions['onClientRequest'], ended: () => boolean,
  ): void {
    const asked = ask ? ask(event) : Promise.reject(Object.assign(new Error(`this call cannot relay ${event.method} to its client`), { code: METHOD_NOT_FOUND }));
    asked.then(
      (result): ClientReply => ({ requestId, id: event.id, result }),
      (err: unknown): ClientReply => ({ requestId, id: event.id, error: jsonRpcError(err) }),
    ).then((reply) => {
      if (!ended()) this.client.emit(this.clientReplyPattern, reply).subscribe({ error: () => undefined });
    }, () => undefined);
  }

  /** Asks the node to abort a call; best effort (over TCP the node also aborts every call of a dropped connection). */
  cancel(requestId: string, reason?: string): void {
    this.client.emit(this.cancelPattern, { requestId, ...(reason ? { reason } : {}) }).subscribe({ error: () => undefined });
  }

  /**
   * Never throws: closing a link whose broker is already gone is not an error. Calls in flight fail with
   * NODE_UNAVAILABLE and `reason` (for example "node pi-1 left the registry").
   */
  close(reason?: string): void {
    const error = new PimcpError(ErrorCode.NodeUnavailable, reason ?? `the link to node ${this.nodeId} was closed during the call`);
    for (const fail of [...this.inFlight]) fail(error);
    Promise.resolve(this.pinging)
      .then(() => this.client.close())
      .catch(() => undefined);
  }

  private dropConnection(): void {
    try {
      this.client.unwrap<Socket>().destroy();
    } catch {
      // never connected: nothing to destroy
    }
    this.close();
  }

  private toPimcpError(err: unknown): PimcpError {
    if (err instanceof PimcpError) return err;
    const e = err as { code?: unknown; message?: unknown } | undefined;
    if (typeof e?.code === 'string' && /^E[A-Z]+$/.test(e.code)) {
      this.onLinkFailure?.(this.nodeId);
      return new PimcpError(ErrorCode.NodeUnavailable, `the node at ${this.linkAddress} is unreachable (${e.code})`);
    }
    if (err instanceof Error && /closed|ECONNRESET|EPIPE/.test(err.message)) {
      this.onLinkFailure?.(this.nodeId);
      return new PimcpError(ErrorCode.NodeUnavailable, `the connection to the node at ${this.linkAddress} was lost during the call`);
    }
    if (err === NO_HANDLER) {
      return new PimcpError(ErrorCode.NodeUnavailable, `the service at ${this.linkAddress} does not serve ${NodeLinkPatterns.invoke}; is it a PiMCP node?`);
    }
    return PimcpError.fromBody(err);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A client's refusal as it crosses the link: its JSON-RPC code when it has one, else an internal error. */
function jsonRpcError(err: unknown): { code: number; message: string } {
  const code = (err as { code?: unknown } | undefined)?.code;
  const message = (err instanceof Error ? err.message : String(err)).slice(0, 1000);
  return { code: typeof code === 'number' && Number.isInteger(code) ? code : -32603, message };
}
