/**
 * Renews node leases over one shared keepalive stream. The registry renews a lease only when its node heartbeats,
 * so etcd3's self-renewing Lease objects do not fit; one stream for all nodes avoids a stream per heartbeat.
 */
import {
  castGrpcError, GRPCDeadlineExceededError, type IDuplexStream, type ILeaseKeepAliveRequest,
  type ILeaseKeepAliveResponse, type LeaseClient,
} from 'etcd3';
import { isUnavailable } from './etcd-error.mapper';

type KeepAliveStream = IDuplexStream<ILeaseKeepAliveRequest, ILeaseKeepAliveResponse>;

interface Waiter {
  resolve(ttl: number): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

const MAX_ATTEMPTS = 3;

export class EtcdLeaseKeeper {
  private stream: KeepAliveStream | undefined;
  private opening: Promise<KeepAliveStream> | undefined;
  /** Answers come back in request order per lease, so waiters of one lease form a queue. */
  private readonly waiting = new Map<string, Waiter[]>();
  private closed = false;

  constructor(private readonly leaseClient: () => LeaseClient, private readonly timeoutMs: number) {}

  /** Renews the lease once and returns the TTL etcd granted; 0 or less means the lease no longer exists. */
  async keepAlive(leaseId: string): Promise<number> {
    const deadline = Date.now() + this.timeoutMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.renewOnce(leaseId, Math.max(deadline - Date.now(), 1));
      } catch (error) {
        // A broken stream is usually one dead member; the next stream may land on a healthy one.
        if (this.closed || attempt >= MAX_ATTEMPTS || Date.now() >= deadline || !isUnavailable(error)) throw error;
      }
    }
  }

  close(): void {
    this.closed = true;
    this.reset(new Error('the registry store was closed'));
  }

  private async renewOnce(leaseId: string, timeoutMs: number): Promise<number> {
    const stream = await this.open();
    return new Promise<number>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          // No answer in time: the stream is likely stuck on a dead connection, so drop it for everyone.
          this.reset(new GRPCDeadlineExceededError(`etcd did not answer a lease keepalive within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      const queue = this.waiting.get(leaseId) ?? [];
      queue.push(waiter);
      this.waiting.set(leaseId, queue);
      stream.write({ ID: leaseId });
    });
  }

  private open(): Promise<KeepAliveStream> {
    if (this.stream) return Promise.resolve(this.stream);
    this.opening ??= this.leaseClient().leaseKeepAlive()
      .then((stream) => {
        stream.on('data', (response) => this.settle(response));
        stream.on('error', (error) => this.reset(castGrpcError(error), stream));
        stream.on('end', () => this.reset(new GRPCDeadlineExceededError('etcd ended the lease keepalive stream'), stream));
        this.stream = stream;
        return stream;
      })
      .finally(() => { this.opening = undefined; });
    return this.opening;
  }

  private settle(response: ILeaseKeepAliveResponse): void {
    const queue = this.waiting.get(response.ID);
    const waiter = queue?.shift();
    if (queue?.length === 0) this.waiting.delete(response.ID);
    if (!waiter) return;
    clearTimeout(waiter.timer);
    waiter.resolve(Number(response.TTL));
  }

  /** Fails every pending renewal and forgets the stream; the next renewal opens a new one. */
  private reset(error: Error, failedStream?: KeepAliveStream): void {
    if (failedStream && failedStream !== this.stream) return;
    const stream = this.stream;
    this.stream = undefined;
    if (stream) {
      try { stream.cancel(); } catch { /* already torn down */ }
    }
    const waiters = [...this.waiting.values()].flat();
    this.waiting.clear();
    for (const waiter of waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
  }
}
