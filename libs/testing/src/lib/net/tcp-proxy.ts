import { AddressInfo, connect, createServer, Server, Socket } from 'node:net';

export interface ProxyTarget {
  host: string;
  port: number;
}

/**
 * Forwards a loopback port to a target so a fault test can cut a client's
 * connection to etcd or Redis without touching the server process.
 */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private isCut = false;
  private stopping: Promise<void> | undefined;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    readonly target: ProxyTarget,
  ) {
    server.on('connection', (client) => this.accept(client));
  }

  static start(target: ProxyTarget): Promise<TcpProxy> {
    // Half-open so a FIN passes through as a FIN and replies still flow back.
    const server = createServer({ allowHalfOpen: true });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: 0, host: '127.0.0.1' }, () => {
        server.off('error', reject);
        // Like the spawned servers, a proxy a test forgot must not keep Jest alive.
        server.unref();
        resolve(new TcpProxy(server, (server.address() as AddressInfo).port, target));
      });
    });
  }

  urlFor(scheme = 'http'): string {
    return `${scheme}://127.0.0.1:${this.port}`;
  }

  /** Drops every open connection and refuses new ones until restore(). */
  cut(): void {
    this.isCut = true;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  restore(): void {
    this.isCut = false;
  }

  /** Closes the listener and every forwarded connection. Safe to call twice. */
  stop(): Promise<void> {
    this.stopping ??= new Promise((resolve) => {
      this.cut();
      this.server.close(() => resolve());
    });
    return this.stopping;
  }

  private accept(client: Socket): void {
    // Accept-then-destroy rather than closing the listener: the port stays
    // ours, so nothing else can bind it while the link is cut.
    if (this.isCut) {
      client.destroy();
      return;
    }
    const upstream = connect({ host: this.target.host, port: this.target.port, allowHalfOpen: true });
    const pair = [client, upstream];
    for (const socket of pair) {
      this.sockets.add(socket);
      socket.setNoDelay(true);
      // An error on either side (e.g. target down) breaks both, like a real
      // broken link; clean ends travel through pipe() instead.
      socket.on('error', () => pair.forEach((s) => s.destroy()));
      socket.on('close', () => this.sockets.delete(socket));
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
