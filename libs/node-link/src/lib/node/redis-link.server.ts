import { ServerRedis } from '@nestjs/microservices';
import { type CancelRequest, NodeLinkPatterns, nodeLinkChannel, PimcpError } from '@pimcp/protocol';
import { catchError, defer, type Observable, throwError } from 'rxjs';
import { redisLinkOptions } from '../redis-link-options';
import { parseInvokeRequest } from './parse-invoke-request';
import type { ToolInvoker } from './tool-invoker';

/**
 * The node end of the link through a Redis broker, for edge nodes that can only dial out: the node
 * subscribes to its own channels (`node.invoke/<node-id>`), the gateway publishes to them.
 */
export class RedisLinkServer {
  private readonly server: ServerRedis;

  constructor(invoker: ToolInvoker, options: { url: string; nodeId: string }) {
    this.server = new ServerRedis(redisLinkOptions(options.url));
    this.server.addHandler(nodeLinkChannel(NodeLinkPatterns.invoke, options.nodeId), async (request: unknown): Promise<Observable<unknown>> =>
      defer(() => invoker.invoke(parseInvokeRequest(request))).pipe(catchError((err: unknown) => throwError(() => (err instanceof PimcpError ? err.toBody() : err)))));
    this.server.addHandler(nodeLinkChannel(NodeLinkPatterns.cancel, options.nodeId), async (request: CancelRequest) => {
      if (request && typeof request.requestId === 'string') invoker.cancel(request.requestId, request.reason);
    }, true);
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => this.server.listen((err?: unknown) => (err ? reject(err) : resolve())));
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
