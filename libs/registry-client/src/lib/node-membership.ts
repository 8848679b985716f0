import { Logger } from '@nestjs/common';
import { ErrorCode, type NodeManifest, PimcpError } from '@pimcp/protocol';
import type { RegistryClient } from './registry-client';

export interface NodeMembershipOptions {
  /** Called once when an operator drains this node. */
  onDraining?: () => void;
  /** Wait before retrying a failed join, doubled up to maxRetryMs. */
  initialRetryMs?: number;
  maxRetryMs?: number;
}

/**
 * Keeps one node registered: joins, heartbeats at the interval the registry asks for,
 * re-joins when its lease was lost, and leaves on stop.
 */
export class NodeMembership {
  private readonly logger = new Logger(NodeMembership.name);
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private draining = false;
  private joined: Promise<void> | undefined;
  private retryMs: number;

  constructor(
    private readonly client: RegistryClient,
    private readonly manifest: () => NodeManifest,
    private readonly options: NodeMembershipOptions = {},
  ) {
    this.retryMs = options.initialRetryMs ?? 250;
  }

  /** Resolves after the first successful join; keeps retrying until then. */
  start(): Promise<void> {
    this.joined ??= new Promise((resolve) => this.join(resolve));
    return this.joined;
  }

  /**
   * Publishes the current manifest again (the node's plugins changed): a re-join, which the registry applies in
   * one transaction under a new lease (ADR 0002), so watchers see only the difference. Heartbeats carry on.
   */
  async republish(): Promise<void> {
    if (this.stopped) return;
    await this.start();
    const reply = await this.client.join(this.manifest());
    this.logger.log(`manifest published again (revision ${reply.revision})`);
  }

  /** Stops heartbeating and leaves the registry, so the node's tools disappear at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    try {
      await this.client.leave(this.manifest().nodeId);
    } catch (err) {
      this.logger.warn(`leave failed, the lease will expire instead: ${(err as Error).message}`);
    }
  }

  private join(onJoined: () => void): void {
    if (this.stopped) return;
    this.client.join(this.manifest()).then(
      (reply) => {
        this.retryMs = this.options.initialRetryMs ?? 250;
        this.logger.log(`joined as ${reply.nodeId} (lease ${reply.leaseId}, ttl ${reply.ttlSeconds}s)`);
        onJoined();
        this.schedule(() => this.beat(reply.heartbeatIntervalMs), reply.heartbeatIntervalMs);
      },
      (err: Error) => {
        if (err instanceof PimcpError && !err.retryable) {
          this.logger.error(`join refused: ${err.message}`);
        } else {
          this.logger.warn(`join failed, retrying in ${this.retryMs} ms: ${err.message}`);
        }
        this.schedule(() => this.join(onJoined), this.retryMs);
        this.retryMs = Math.min(this.retryMs * 2, this.options.maxRetryMs ?? 5000);
      },
    );
  }

  private beat(intervalMs: number): void {
    if (this.stopped) return;
    this.client.heartbeat(this.manifest().nodeId).then(
      (reply) => {
        if (reply.draining && !this.draining) {
          this.draining = true;
          this.options.onDraining?.();
        }
        this.schedule(() => this.beat(intervalMs), intervalMs);
      },
      (err: Error) => {
        if (err instanceof PimcpError && err.code === ErrorCode.NodeUnknown) {
          this.logger.warn('lease lost; joining again');
          this.join(() => undefined);
          return;
        }
        this.logger.warn(`heartbeat failed: ${err.message}`);
        this.schedule(() => this.beat(intervalMs), intervalMs);
      },
    );
  }

  private schedule(fn: () => void, ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(fn, ms);
  }
}
