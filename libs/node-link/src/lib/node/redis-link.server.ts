import type { ConnectionOptions } from 'node:tls';
import { ServerRedis } from '@nestjs/microservices';
import { NodeLinkPatterns, nodeLinkChannel, PimcpError } from '@pimcp/protocol';
import { catchError, defer, type Observable, throwError } from 'rxjs';
import { redisLinkOptions } from '../redis-link-options';
import { checkSubscribePermission } from './check-subscribe-permission';
import type { NodeLinkHandlers } from './node-link.handlers';

/**
 * The node end of the link through a Redis broker, for edge nodes that can only dial out: the node
 * subscribes to its own channels (`node.invoke/<node-id>`), the gateway publishes to them.
 */
export class RedisLinkServer {
  private readonly server: ServerRedis;
  private readonly channels: string[];
  private readonly connection: ReturnType<typeof redisLinkOptions>;

  constructor(handlers: NodeLinkHandlers, options: { url: string; nodeId: string; tls?: ConnectionOptions }) {
    this.connection = redisLinkOptions(options.url, options.tls);
    this.server = new ServerRedis(this.connection);
    const streamed = (handle: (payload: unknown) => Observable<unknown>) => async (payload: unknown): Promise<Observable<unknown>> =>
      defer(() => handle(payload)).pipe(catchError((err: unknown) => throwError(() => (err instanceof PimcpError ? err.toBody() : err))));
    this.server.addHandler(nodeLinkChannel(NodeLinkPatterns.invoke, options.nodeId), streamed((p) => handlers.invoke(p)));
    this.server.addHandler(nodeLinkChannel(NodeLinkPatterns.request, options.nodeId), streamed((p) => handlers.request(p)));
    this.server.addHandler(nodeLinkChannel(NodeLinkPatterns.ping, options.nodeId), async () => handlers.ping());
    this.server.addHandler(nodeLinkChannel(NodeLinkPatterns.cancel, options.nodeId), async (payload: unknown) => handlers.cancel(payload), true);
    this.server.addHandler(nodeLinkChannel(NodeLinkPatterns.clientReply, options.nodeId), async (payload: unknown) => handlers.clientReply(payload), true);
    this.channels = [NodeLinkPatterns.invoke, NodeLinkPatterns.request, NodeLinkPatterns.ping, NodeLinkPatterns.cancel, NodeLinkPatterns.clientReply]
      .map((pattern) => nodeLinkChannel(pattern, options.nodeId));
  }

  /** Rejects when the broker's ACL forbids this node's channels, naming the grant to add. */
  async start(): Promise<void> {
    await checkSubscribePermission(this.connection, this.channels);
    return new Promise((resolve, reject) => this.server.listen((err?: unknown) => (err ? reject(err) : resolve())));
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
