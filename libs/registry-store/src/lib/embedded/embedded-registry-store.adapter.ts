/** The single-process registry store (the `npm start` default): the same key layout and semantics as etcd, in memory. */
import {
  ErrorCode, PimcpError, type CapabilityRecord, type CapabilityScope, type DisabledCapabilityRecord, type DrainRecord, type RoutingPolicyRecord, type ToolSetRecord,
  type NodeManifest, type NodeRecord, type RegistryEvent, type RegistrySnapshot,
} from '@pimcp/protocol';
import { approvalConflict, approvalIsContested, approvedCapability } from '../pinning/approved-capability';
import type {
  DefinitionPinRecord, PinningEvent, PinningEventBatch, PinReview, PinReviewResult, TrustedNodeRecord,
} from '../pinning/definition-pin.types';
import { planJoinPins } from '../pinning/join-pin.planner';
import { pinEventId } from '../pinning/pin-event-id';
import { planPinReview } from '../pinning/pin-review.planner';
import type {
  HeartbeatResult, JoinOptions, JoinResult, OrphanReport, RegistryStore, RegistryWatch, RegistryWatchHandlers,
} from '../port/registry-store.port';
import { parseRegistryKey, registryKeys } from '../registry-keys';
import { capabilityRecords, claimRequests, nodeRecord } from '../shared/join-records.factory';
import { buildSnapshot, parseJson, toRegistryEvent } from '../shared/registry-entry.codec';
import {
  claimIsHeld, contestedClaims, findSchemaConflicts, schemaConflictError,
} from '../shared/schema-conflict.policy';
import { EmbeddedRegistryWatch } from './embedded-registry.watch';

export interface EmbeddedRegistryStoreOptions {
  /** How many events the store keeps for `watch(afterRevision)` replays; older requests get WATCH_COMPACTED. */
  eventLogLimit?: number;
  /** Clock for record timestamps (tests). */
  now?: () => Date;
}

interface StoredEntry {
  json: string;
  leaseId?: string;
}

interface EmbeddedLease {
  keys: Set<string>;
  timer: NodeJS.Timeout;
}

type WriteOp = { put: string; value: unknown; leaseId?: string } | { delete: string };

const DEFAULT_EVENT_LOG_LIMIT = 10_000;

export class EmbeddedRegistryStore implements RegistryStore {
  private revision = 0;
  private readonly entries = new Map<string, StoredEntry>();
  private readonly leases = new Map<string, EmbeddedLease>();
  private nextLeaseId = 1;
  private readonly eventLog: { revision: number; events: RegistryEvent[] }[] = [];
  private loggedEvents = 0;
  /** Highest revision dropped from the event log: watches must start after it. */
  private compactedRevision = 0;
  private readonly watches = new Set<EmbeddedRegistryWatch>();
  private closed = false;
  private readonly eventLogLimit: number;
  private readonly now: () => Date;

  constructor(options: EmbeddedRegistryStoreOptions = {}) {
    this.eventLogLimit = options.eventLogLimit ?? DEFAULT_EVENT_LOG_LIMIT;
    this.now = options.now ?? (() => new Date());
  }

  async join(manifest: NodeManifest, options: JoinOptions): Promise<JoinResult> {
    this.assertOpen();
    const nodeId = manifest.nodeId;
    const plan = options.pinning ? planJoinPins(manifest, this.nodePins(nodeId), {
      ...options.pinning, trusted: options.pinning.trusted || this.entries.has(registryKeys.trusted(nodeId)),
    }, this.now()) : undefined;
    // Held capabilities register with their pinned definition: claims and records follow what is served.
    const served = plan?.served ?? manifest;
    const requests = claimRequests(served);
    const contested = contestedClaims(requests, (key) => this.readJson<string>(key));
    if (contested.length > 0) {
      const conflicts = findSchemaConflicts(contested, this.liveCapabilities());
      if (conflicts.length > 0) throw schemaConflictError(nodeId, conflicts);
    }
    const previousLease = this.entries.get(registryKeys.node(nodeId))?.leaseId;
    const leaseId = this.grantLease(options.ttlSeconds);
    const capabilities = capabilityRecords(served);
    const kept = new Set(capabilities.map((c) => registryKeys.capability(nodeId, c.definition.name)));
    const ops: WriteOp[] = [
      { put: registryKeys.node(nodeId), value: nodeRecord(manifest, leaseId, this.now()), leaseId },
      ...capabilities.map((c) => ({ put: registryKeys.capability(nodeId, c.definition.name), value: c, leaseId })),
      ...this.keysUnder(registryKeys.nodeCapabilitiesPrefix(nodeId)).filter((k) => !kept.has(k)).map((k) => ({ delete: k })),
      ...requests.map((r) => ({ put: r.claimKey, value: r.digest })),
      ...(plan?.writes ?? []).map((record) => ({ put: registryKeys.pin(nodeId, record.name), value: record })),
      ...this.eventOps(plan?.events ?? []),
    ];
    const revision = this.commit(ops);
    // The puts above moved every key to the new lease, so revoking the old one deletes nothing.
    if (previousLease !== undefined && previousLease !== leaseId) this.revokeLease(previousLease);
    return { leaseId, revision, pinningEvents: plan?.events ?? [], held: plan?.held ?? [] };
  }

  async heartbeat(nodeId: string): Promise<HeartbeatResult> {
    this.assertOpen();
    const lease = this.nodeLease(nodeId);
    lease.timer.refresh();
    return { draining: this.entries.has(registryKeys.drain(nodeId)) };
  }

  async leave(nodeId: string): Promise<void> {
    this.assertOpen();
    const lease = this.nodeLease(nodeId);
    const leaseId = this.entries.get(registryKeys.node(nodeId))?.leaseId as string;
    // Node, capabilities and drain mark go in one revision, so watchers see the node vanish in one step.
    this.commit([...lease.keys, registryKeys.drain(nodeId)].map((key) => ({ delete: key })));
    this.revokeLease(leaseId);
  }

  async setCapabilityEnabled(scope: CapabilityScope, name: string, enabled: boolean): Promise<number> {
    this.assertOpen();
    const key = registryKeys.disabled(scope, name);
    if (enabled) return this.commit([{ delete: key }]);
    const record: DisabledCapabilityRecord = { scope, name, at: this.now().toISOString() };
    return this.commit([{ put: key, value: record }]);
  }

  async setRoutingPolicy(capability: string, policy: Record<string, unknown> | undefined): Promise<number> {
    this.assertOpen();
    const key = registryKeys.routingPolicy(capability);
    if (policy === undefined) return this.commit([{ delete: key }]);
    const record: RoutingPolicyRecord = { capability, policy, at: this.now().toISOString() };
    return this.commit([{ put: key, value: record }]);
  }

  async putToolSet(name: string, patterns: readonly string[]): Promise<number> {
    this.assertOpen();
    const record: ToolSetRecord = { name, patterns: [...patterns], at: this.now().toISOString() };
    return this.commit([{ put: registryKeys.toolSet(name), value: record }]);
  }

  async deleteToolSet(name: string): Promise<number | undefined> {
    this.assertOpen();
    const key = registryKeys.toolSet(name);
    if (!this.entries.has(key)) return undefined;
    return this.commit([{ delete: key }]);
  }

  async drain(nodeId: string): Promise<void> {
    this.assertOpen();
    this.nodeLease(nodeId);
    const record: DrainRecord = { nodeId, at: this.now().toISOString() };
    this.commit([{ put: registryKeys.drain(nodeId), value: record }]);
  }

  async snapshot(): Promise<RegistrySnapshot> {
    this.assertOpen();
    return buildSnapshot([...this.entries].map(([key, entry]) => [key, entry.json] as const), this.revision);
  }

  async routingPolicies(): Promise<RegistrySnapshot['routingPolicies']> {
    return this.readPrefix(registryKeys.routingPolicyPrefix()).routingPolicies;
  }

  async toolSets(): Promise<RegistrySnapshot['toolSets']> {
    return this.readPrefix(registryKeys.toolSetPrefix()).toolSets;
  }

  private readPrefix(prefix: string): RegistrySnapshot {
    this.assertOpen();
    const entries = [...this.entries].filter(([key]) => key.startsWith(prefix)).map(([key, entry]) => [key, entry.json] as const);
    return buildSnapshot(entries, this.revision);
  }

  async watch(afterRevision: number, handlers: RegistryWatchHandlers): Promise<RegistryWatch> {
    this.assertOpen();
    const watch = new EmbeddedRegistryWatch(handlers, (w) => this.watches.delete(w));
    if (afterRevision < this.compactedRevision) {
      watch.fail(new PimcpError(ErrorCode.WatchCompacted,
        `revision ${afterRevision} is older than the embedded store's event log (which starts after revision `
        + `${this.compactedRevision}); take a new snapshot and watch from its revision`));
      return watch;
    }
    for (const entry of this.eventLog) {
      if (entry.revision > afterRevision) watch.push(entry.events);
    }
    this.watches.add(watch);
    return watch;
  }

  async removeOrphans(): Promise<OrphanReport> {
    this.assertOpen();
    const live = this.liveCapabilities();
    const report: OrphanReport = {
      claims: this.keysUnder(registryKeys.claimsPrefix())
        .filter((key) => !claimIsHeld(key, this.readJson<string>(key), live)),
      capabilities: this.keysUnder(registryKeys.capabilitiesPrefix()).filter((key) => {
        const parsed = parseRegistryKey(key);
        return parsed?.kind === 'capability' && !this.entries.has(registryKeys.node(parsed.nodeId));
      }),
      drains: this.keysUnder(registryKeys.drainPrefix()).filter((key) => {
        const parsed = parseRegistryKey(key);
        return parsed?.kind === 'drain' && !this.entries.has(registryKeys.node(parsed.nodeId));
      }),
    };
    this.commit([...report.claims, ...report.capabilities, ...report.drains].map((key) => ({ delete: key })));
    return report;
  }

  async setCatalogRevision(value: number): Promise<void> {
    this.assertOpen();
    const key = registryKeys.catalogRevision();
    const current = this.readJson<number>(key) ?? 0;
    if (value > current) this.commit([{ put: key, value }]);
  }

  async listPins(nodeId?: string): Promise<DefinitionPinRecord[]> {
    this.assertOpen();
    const prefix = nodeId === undefined ? registryKeys.pinsPrefix() : registryKeys.nodePinsPrefix(nodeId);
    return this.sortedKeysUnder(prefix).map((key) => this.readJson<DefinitionPinRecord>(key))
      .filter((r): r is DefinitionPinRecord => r !== undefined);
  }

  async reviewPin(review: PinReview): Promise<PinReviewResult> {
    this.assertOpen();
    const pinKey = registryKeys.pin(review.nodeId, review.name);
    const plan = planPinReview(review, this.readJson<DefinitionPinRecord>(pinKey), this.now());
    const ops: WriteOp[] = [{ put: pinKey, value: plan.record }, ...this.eventOps([plan.event])];
    const node = this.entries.get(registryKeys.node(review.nodeId));
    const nodeRecordValue = this.readJson<NodeRecord>(registryKeys.node(review.nodeId));
    // A live node offering the capability serves the approved definition at once, under its lease.
    if (review.approve && plan.record.pinned && node?.leaseId !== undefined && nodeRecordValue?.capabilityNames.includes(review.name)) {
      const approved = approvedCapability(review.nodeId, plan.record.pinned.definition);
      if (approvalIsContested(approved, this.readJson<string>(approved.claim.claimKey))) {
        const conflict = approvalConflict(approved, this.liveCapabilities());
        if (conflict) throw conflict;
      }
      ops.push(
        { put: registryKeys.capability(review.nodeId, review.name), value: approved.record, leaseId: node.leaseId },
        { put: approved.claim.claimKey, value: approved.claim.digest },
      );
    }
    return { record: plan.record, event: plan.event, revision: this.commit(ops) };
  }

  async setNodeTrusted(nodeId: string, trusted: boolean): Promise<number> {
    this.assertOpen();
    const key = registryKeys.trusted(nodeId);
    if (!trusted) return this.commit([{ delete: key }]);
    const record: TrustedNodeRecord = { nodeId, at: this.now().toISOString() };
    return this.commit([{ put: key, value: record }]);
  }

  async listTrustedNodes(): Promise<TrustedNodeRecord[]> {
    this.assertOpen();
    return this.sortedKeysUnder(registryKeys.trustedPrefix()).map((key) => this.readJson<TrustedNodeRecord>(key))
      .filter((r): r is TrustedNodeRecord => r !== undefined);
  }

  async listPinningEvents(limit: number): Promise<PinningEvent[]> {
    this.assertOpen();
    const events = this.sortedKeysUnder(registryKeys.pinEventsPrefix())
      .flatMap((key) => this.readJson<PinningEventBatch>(key)?.events ?? []);
    return events.slice(Math.max(0, events.length - limit));
  }

  async trimPinningEvents(keep: number): Promise<number> {
    this.assertOpen();
    const keys = this.sortedKeysUnder(registryKeys.pinEventsPrefix());
    const doomed = keys.slice(0, Math.max(0, keys.length - keep));
    this.commit(doomed.map((key) => ({ delete: key })));
    return doomed.length;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const lease of this.leases.values()) clearTimeout(lease.timer);
    this.leases.clear();
    await Promise.all([...this.watches].map((w) => w.close()));
  }

  /** Applies writes atomically under one new revision, like an etcd transaction; returns that revision. */
  private commit(ops: WriteOp[]): number {
    const revision = this.revision + 1;
    const events: RegistryEvent[] = [];
    let changed = false;
    for (const op of ops) {
      if ('put' in op) {
        const json = JSON.stringify(op.value);
        this.detachFromLease(op.put);
        this.entries.set(op.put, { json, ...(op.leaseId !== undefined ? { leaseId: op.leaseId } : {}) });
        if (op.leaseId !== undefined) this.leases.get(op.leaseId)?.keys.add(op.put);
        changed = true;
        pushDefined(events, toRegistryEvent(op.put, json, revision));
      } else if (this.entries.has(op.delete)) {
        this.detachFromLease(op.delete);
        this.entries.delete(op.delete);
        changed = true;
        pushDefined(events, toRegistryEvent(op.delete, undefined, revision));
      }
    }
    // Like etcd, a write that changes nothing does not advance the revision.
    if (!changed) return this.revision;
    this.revision = revision;
    if (events.length > 0) this.record(revision, events);
    return revision;
  }

  private record(revision: number, events: RegistryEvent[]): void {
    this.eventLog.push({ revision, events });
    this.loggedEvents += events.length;
    while (this.loggedEvents > this.eventLogLimit && this.eventLog.length > 1) {
      const dropped = this.eventLog.shift() as { revision: number; events: RegistryEvent[] };
      this.loggedEvents -= dropped.events.length;
      this.compactedRevision = dropped.revision;
    }
    for (const watch of this.watches) watch.push(events);
  }

  private grantLease(ttlSeconds: number): string {
    const leaseId = String(this.nextLeaseId++);
    const timer = setTimeout(() => this.expireLease(leaseId), ttlSeconds * 1000);
    // An embedded registry must not keep a process alive just because nodes are registered.
    timer.unref();
    this.leases.set(leaseId, { keys: new Set(), timer });
    return leaseId;
  }

  private expireLease(leaseId: string): void {
    const lease = this.leases.get(leaseId);
    if (!lease || this.closed) return;
    this.commit([...lease.keys].map((key) => ({ delete: key })));
    this.leases.delete(leaseId);
  }

  private revokeLease(leaseId: string): void {
    const lease = this.leases.get(leaseId);
    if (!lease) return;
    clearTimeout(lease.timer);
    this.commit([...lease.keys].map((key) => ({ delete: key })));
    this.leases.delete(leaseId);
  }

  private detachFromLease(key: string): void {
    const leaseId = this.entries.get(key)?.leaseId;
    if (leaseId !== undefined) this.leases.get(leaseId)?.keys.delete(key);
  }

  private nodeLease(nodeId: string): EmbeddedLease {
    const leaseId = this.entries.get(registryKeys.node(nodeId))?.leaseId;
    const lease = leaseId === undefined ? undefined : this.leases.get(leaseId);
    if (!lease) {
      throw new PimcpError(ErrorCode.NodeUnknown,
        `node "${nodeId}" is not registered (it never joined, left, or missed heartbeats until its lease expired); join again`);
    }
    return lease;
  }

  /** Capabilities whose node record still exists. */
  private liveCapabilities(): CapabilityRecord[] {
    return this.keysUnder(registryKeys.capabilitiesPrefix())
      .map((key) => this.readJson<CapabilityRecord>(key))
      .filter((c): c is CapabilityRecord => c !== undefined && this.entries.has(registryKeys.node(c.nodeId)));
  }

  /** The node's pin records by capability name. */
  private nodePins(nodeId: string): Map<string, DefinitionPinRecord> {
    const pins = new Map<string, DefinitionPinRecord>();
    for (const key of this.keysUnder(registryKeys.nodePinsPrefix(nodeId))) {
      const record = this.readJson<DefinitionPinRecord>(key);
      if (record) pins.set(record.name, record);
    }
    return pins;
  }

  private eventOps(events: PinningEvent[]): WriteOp[] {
    if (events.length === 0) return [];
    const batch: PinningEventBatch = { events };
    return [{ put: registryKeys.pinEvents(pinEventId(this.now())), value: batch }];
  }

  private sortedKeysUnder(prefix: string): string[] {
    return this.keysUnder(prefix).sort();
  }

  private keysUnder(prefix: string): string[] {
    return [...this.entries.keys()].filter((key) => key.startsWith(prefix));
  }

  private readJson<T>(key: string): T | undefined {
    const entry = this.entries.get(key);
    return entry === undefined ? undefined : (parseJson(entry.json) as T | undefined);
  }

  private assertOpen(): void {
    if (this.closed) {
      throw new PimcpError(ErrorCode.StoreUnavailable, 'the embedded registry store was closed; create a new one');
    }
  }
}

function pushDefined<T>(list: T[], item: T | undefined): void {
  if (item !== undefined) list.push(item);
}
