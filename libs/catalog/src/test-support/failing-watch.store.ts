/** A RegistryStore that delegates to a real one but lets a test break the active watch or fail snapshots and watches. */
import type { NodeManifest, RegistrySnapshot } from '@pimcp/protocol';
import type {
  DefinitionPinRecord, HeartbeatResult, JoinOptions, JoinResult, OrphanReport, PinningEvent, PinReview, PinReviewResult,
  RegistryStore, RegistryWatch, RegistryWatchHandlers, TrustedNodeRecord,
} from '@pimcp/registry-store';

export class FailingWatchStore implements RegistryStore {
  snapshotCalls = 0;
  watchCalls = 0;
  private failingSnapshots: Error[] = [];
  private failingWatches: Error[] = [];
  private active: { watch: RegistryWatch; handlers: RegistryWatchHandlers } | undefined;

  constructor(private readonly inner: RegistryStore) {}

  /** The next snapshot() calls reject with these errors, one each. */
  failSnapshots(...errors: Error[]): void {
    this.failingSnapshots.push(...errors);
  }

  /** The next watch() calls reject with these errors, one each. */
  failWatches(...errors: Error[]): void {
    this.failingWatches.push(...errors);
  }

  /** Ends the open watch the way a store does: closed first, then onError. */
  async breakWatch(error: Error): Promise<void> {
    const active = this.active;
    if (!active) throw new Error('no watch is open');
    this.active = undefined;
    await active.watch.close();
    active.handlers.onError?.(error);
  }

  get hasOpenWatch(): boolean {
    return this.active !== undefined;
  }

  async snapshot(): Promise<RegistrySnapshot> {
    this.snapshotCalls++;
    const failure = this.failingSnapshots.shift();
    if (failure) throw failure;
    return this.inner.snapshot();
  }

  routingPolicies(): Promise<RegistrySnapshot['routingPolicies']> {
    return this.inner.routingPolicies();
  }

  toolSets(): Promise<RegistrySnapshot['toolSets']> {
    return this.inner.toolSets();
  }

  async watch(afterRevision: number, handlers: RegistryWatchHandlers): Promise<RegistryWatch> {
    this.watchCalls++;
    const failure = this.failingWatches.shift();
    if (failure) throw failure;
    const watch = await this.inner.watch(afterRevision, handlers);
    const active = { watch, handlers };
    this.active = active;
    return {
      close: async () => {
        if (this.active === active) this.active = undefined;
        await watch.close();
      },
    };
  }

  join(manifest: NodeManifest, options: JoinOptions): Promise<JoinResult> {
    return this.inner.join(manifest, options);
  }

  heartbeat(nodeId: string): Promise<HeartbeatResult> {
    return this.inner.heartbeat(nodeId);
  }

  leave(nodeId: string): Promise<void> {
    return this.inner.leave(nodeId);
  }

  setCapabilityEnabled(scope: string, name: string, enabled: boolean): Promise<number> {
    return this.inner.setCapabilityEnabled(scope, name, enabled);
  }

  drain(nodeId: string): Promise<void> {
    return this.inner.drain(nodeId);
  }

  setRoutingPolicy(capability: string, policy: Record<string, unknown> | undefined): Promise<number> {
    return this.inner.setRoutingPolicy(capability, policy);
  }

  putToolSet(name: string, patterns: readonly string[]): Promise<number> {
    return this.inner.putToolSet(name, patterns);
  }

  deleteToolSet(name: string): Promise<number | undefined> {
    return this.inner.deleteToolSet(name);
  }

  removeOrphans(): Promise<OrphanReport> {
    return this.inner.removeOrphans();
  }

  setCatalogRevision(value: number): Promise<void> {
    return this.inner.setCatalogRevision(value);
  }

  listPins(nodeId?: string): Promise<DefinitionPinRecord[]> {
    return this.inner.listPins(nodeId);
  }

  reviewPin(review: PinReview): Promise<PinReviewResult> {
    return this.inner.reviewPin(review);
  }

  setNodeTrusted(nodeId: string, trusted: boolean): Promise<number> {
    return this.inner.setNodeTrusted(nodeId, trusted);
  }

  listTrustedNodes(): Promise<TrustedNodeRecord[]> {
    return this.inner.listTrustedNodes();
  }

  listPinningEvents(limit: number): Promise<PinningEvent[]> {
    return this.inner.listPinningEvents(limit);
  }

  trimPinningEvents(keep: number): Promise<number> {
    return this.inner.trimPinningEvents(keep);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
