import { Logger } from '@nestjs/common';
import { ErrorCode, type NodeManifest, PimcpError } from '@pimcp/protocol';
import type { RegistryClient } from './registry-client';

export interface NodeMembershipOptions {
  /** Called once when an operator drains this node. */
  onDraining?: () => void;
  /** Wait before retrying a failed join, doubled up to maxRetryMs. */
  initialRetryMs?: number;
  maxRetryMs?: number;
  /** Told after each heartbeat (a lease renewal) whether the registry confirmed it (metrics). */
  onHeartbeat?: (confirmed: boolean) => void;
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
  private publishing: Promise<void> = Promise.resolve();
  private retryMs: number;
  private registeredNow = false;

  constructor(
    private readonly client: RegistryClient,
    private readonly manifest: () => NodeManifest,
    private readonly options: NodeMembershipOptions = {},
  ) {
    this.retryMs = options.initialRetryMs ?? 250;
  }

  /** True while the registry lists this node: after a join, until a heartbeat fails or the node leaves. */
  get registered(): boolean {
    return this.registeredNow;
  }

  /** Resolves after the first successful join; keeps retrying until then. */
  start(): Promise<void> {
    this.joined ??= new Promise((resolve) => this.join(resolve));
    return this.joined;
  }

  /**
   * Sends the manifest again because the node's offerings changed (a bridged server's list_changed): the registry
   * replaces the node's record, so gateways follow through their catalog watch. Calls are serialized, so the last
   * manifest wins; a failure is logged and the next change (or a re-join after a lost lease) publishes again.
   */
  republish(): Promise<void> {
    const joined = this.joined;
    if (!joined || this.stopped) return Promise.resolve();
    this.publishing = this.publishing.then(async () => {
      await joined;
      if (this.stopped) return;
      try {
        const reply = await this.client.join(this.manifest());
        this.logger.log(`re-published the manifest of ${reply.nodeId} (revision ${reply.revision})`);
      } catch (err) {
        this.logger.warn(`could not re-publish the manifest: ${(err as Error).message}`);
      }
    });
    return this.publishing;
  }

  /** Stops heartbeating and leaves the registry, so the node's tools disappear at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.registeredNow = false;
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
        this.registeredNow = !this.stopped;
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
        this.registeredNow = !this.stopped;
        this.options.onHeartbeat?.(true);
        if (reply.draining && !this.draining) {
          this.draining = true;
          this.options.onDraining?.();
        }
        this.schedule(() => this.beat(intervalMs), intervalMs);
      },
      (err: Error) => {
        this.registeredNow = false;
        this.options.onHeartbeat?.(false);
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
