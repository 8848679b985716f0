import type { Socket } from 'node:net';
import type { ToolInvoker } from '@pimcp/node-link';

/**
 * The gateway connections calls arrived on. A connection that closes cancels its calls: whoever was
 * waiting for them is gone. At shutdown, lets the last results leave before the sockets are destroyed.
 */
export class LinkConnections {
  private readonly calls = new Map<Socket, Set<string>>();

  constructor(private readonly invoker: ToolInvoker) {}

  /** Records a call on a connection; the returned function forgets it once its stream has ended. */
  track(socket: Socket, requestId: string): () => void {
    let ids = this.calls.get(socket);
    if (!ids) {
      const own = new Set<string>();
      ids = own;
      this.calls.set(socket, own);
      socket.once('close', () => {
        this.calls.delete(socket);
        for (const id of own) this.invoker.cancel(id, 'the gateway connection closed');
      });
    }
    ids.add(requestId);
    const tracked = ids;
    return () => tracked.delete(requestId);
  }

  /** Resolves once every open connection has handed its queued writes to the kernel, or after timeoutMs. */
  async flushed(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    // Results are written a tick after their handlers finish; one turn of the loop lets those writes start.
    await new Promise((resolve) => setImmediate(resolve));
    while (Date.now() < until && [...this.calls.keys()].some((s) => !s.destroyed && s.writableLength > 0)) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}
