/** The distributed registry store: every write is one etcd transaction, every node's keys hang on its own lease. */
import {
  ErrorCode, PimcpError, type CapabilityRecord, type CapabilityScope, type DisabledCapabilityRecord, type DrainRecord, type RoutingPolicyRecord, type ToolSetRecord,
  type NodeManifest, type RegistrySnapshot,
} from '@pimcp/protocol';
import { CompareResult, CompareTarget, type Etcd3, type ICompare, type IKeyValue, type IRequestOp, type ITxnResponse } from 'etcd3';
import type {
  DefinitionPinRecord, PinningEvent, PinReview, PinReviewResult, TrustedNodeRecord,
} from '../pinning/definition-pin.types';
import { planJoinPins } from '../pinning/join-pin.planner';
import type {
  HeartbeatResult, JoinOptions, JoinResult, OrphanReport, RegistryStore, RegistryWatch, RegistryWatchHandlers,
} from '../port/registry-store.port';
import { parseRegistryKey, registryKeys, REGISTRY_PREFIX, REGISTRY_SNAPSHOT_END } from '../registry-keys';
import { capabilityRecords, claimRequests, nodeRecord } from '../shared/join-records.factory';
import { buildSnapshot } from '../shared/registry-entry.codec';
import {
  claimIsHeld, contestedClaims, findSchemaConflicts, schemaConflictError,
} from '../shared/schema-conflict.policy';
import {
  createEtcdClient, DEFAULT_REQUEST_TIMEOUT_MS, hostList, type EtcdConnectionOptions,
} from './etcd-client.factory';
import * as pins from './etcd-definition-pins';
import { toStoreError } from './etcd-error.mapper';
import {
  deleteOp, jsonOf, modRevisionIs, putOp, putRequest, rangeOp, type CallOptions,
} from './etcd-ops';
import { EtcdLeaseKeeper } from './etcd-lease.keeper';
import { EtcdRegistryWatch } from './etcd-registry.watch';


export interface EtcdRegistryStoreOptions extends EtcdConnectionOptions {
  /** Clock for record timestamps (tests). */
  now?: () => Date;
}

/** Read-check-write rounds before a join that keeps losing races gives up (STORE_UNAVAILABLE, retryable). */
const MAX_TXN_ATTEMPTS = 5;

export class EtcdRegistryStore implements RegistryStore {
  private client: Etcd3 | undefined;
  private keeper: EtcdLeaseKeeper | undefined;
  private readonly watches = new Set<EtcdRegistryWatch>();
  private closed = false;
  private readonly hosts: string[];
  private readonly now: () => Date;

  constructor(private readonly options: EtcdRegistryStoreOptions) {
    this.hosts = hostList(options.hosts);
    if (this.hosts.length === 0) {
      throw new PimcpError(ErrorCode.InvalidRequest, 'EtcdRegistryStore needs at least one etcd host, e.g. http://127.0.0.1:2379');
    }
    this.now = options.now ?? (() => new Date());
  }

  async join(manifest: NodeManifest, options: JoinOptions): Promise<JoinResult> {
    const nodeId = manifest.nodeId;
    const nodeKey = registryKeys.node(nodeId);
    const pinningEvents: PinningEvent[] = [];
    let leaseId: string | undefined;
    try {
      return await this.run(`joining node "${nodeId}"`, async (client, call) => {
        for (let attempt = 1; attempt <= MAX_TXN_ATTEMPTS; attempt++) {
          const { previous, ownCapabilityKeys, claims, revision, nodePins, trusted } = await this.readJoinState(client, call, nodeId);
          const plan = options.pinning ? planJoinPins(manifest, new Map([...nodePins].map(([n, p]) => [n, p.record])), {
            ...options.pinning, trusted: options.pinning.trusted || trusted,
          }, this.now()) : undefined;
          // Held capabilities register with their pinned definition: claims and records follow what is served.
          const served = plan?.served ?? manifest;
          const requests = claimRequests(served);
          const capabilities = capabilityRecords(served);
          const contested = contestedClaims(requests, (key) => jsonOf<string>(claims.get(key)));
          if (contested.length > 0) {
            const conflicts = findSchemaConflicts(contested, await this.liveCapabilities(client, call, revision));
            if (conflicts.length > 0) throw schemaConflictError(nodeId, conflicts);
          }
          const pinRevisions = plan ? await pins.writeJoinPins(client, call, nodeId, plan, nodePins, this.now()) : new Map<string, string>();
          if (!pinRevisions) continue;
          if (plan) pinningEvents.push(...plan.events);
          leaseId ??= (await client.leaseClient.leaseGrant({ TTL: options.ttlSeconds }, call)).ID;
          const kept = new Set(capabilities.map((c) => registryKeys.capability(nodeId, c.definition.name)));
          const written = await this.txn(client, call, [
            // Someone else re-registered this node, or touched one of our claims: re-read and decide again.
            modRevisionIs(nodeKey, previous?.mod_revision ?? 0),
            ...requests.map((r) => modRevisionIs(r.claimKey, claims.get(r.claimKey)?.mod_revision ?? 0)),
            // An operator's review between our pin write and this one would otherwise be overwritten.
            ...(plan ? manifest.capabilities.map((c) => modRevisionIs(registryKeys.pin(nodeId, c.name), pinRevisions.get(c.name) ?? 0)) : []),
          ], [
            putOp(nodeKey, nodeRecord(manifest, leaseId, this.now()), leaseId),
            ...capabilities.map((c) => putOp(registryKeys.capability(nodeId, c.definition.name), c, leaseId)),
            ...ownCapabilityKeys.filter((k) => !kept.has(k)).map((k) => deleteOp(k)),
            // Claims are rewritten even when unchanged: that bumps their revision, so a concurrent join that read
            // the old claim fails its compare instead of slipping a second schema past this one.
            ...requests.map((r) => putOp(r.claimKey, r.digest)),
          ]).catch((error: unknown) => { throw tooManyOperations(error, manifest) ?? error; });
          if (!written.succeeded) continue;
          // The puts moved every key onto the new lease; the old lease now holds nothing and can go.
          if (previous && previous.lease !== '0' && previous.lease !== leaseId) await this.revoke(client, call, previous.lease);
          const result = { leaseId, revision: Number(written.header.revision), pinningEvents, held: plan?.held ?? [] };
          leaseId = undefined;
          return result;
        }
        throw new PimcpError(ErrorCode.StoreUnavailable,
          `node "${nodeId}" could not join: ${MAX_TXN_ATTEMPTS} attempts collided with concurrent registry writes; retry`);
      });
    } finally {
      // A lease granted for a join that did not happen would only expire on its own; free it now.
      if (leaseId !== undefined && this.client) await this.revoke(this.client, this.callOptions(), leaseId).catch(() => undefined);
    }
  }

  async heartbeat(nodeId: string): Promise<HeartbeatResult> {
    return this.run(`renewing the lease of node "${nodeId}"`, async (client, call) => {
      const read = await this.txn(client, call, [], [rangeOp(registryKeys.node(nodeId)), rangeOp(registryKeys.drain(nodeId))]);
      const [nodeKvs, drainKvs] = read.responses.map((r) => r.response_range.kvs);
      const node = nodeKvs?.[0];
      if (!node || node.lease === '0') throw nodeUnknown(nodeId);
      const ttl = await this.leaseKeeper(client).keepAlive(node.lease);
      if (ttl <= 0) throw nodeUnknown(nodeId);
      return { draining: (drainKvs?.length ?? 0) > 0 };
    });
  }

  async leave(nodeId: string): Promise<void> {
    const nodeKey = registryKeys.node(nodeId);
    await this.run(`removing node "${nodeId}"`, async (client, call) => {
      for (let attempt = 1; attempt <= MAX_TXN_ATTEMPTS; attempt++) {
        const node = (await client.kv.range({ key: Buffer.from(nodeKey) }, call)).kvs[0];
        if (!node) throw nodeUnknown(nodeId);
        // Deleting in one transaction (rather than only revoking) lets watchers see the node vanish in one revision
        // together with its drain mark; the revoke then frees a lease that holds no keys.
        const txn = await this.txn(client, call, [modRevisionIs(nodeKey, node.mod_revision)], [
          deleteOp(nodeKey), deleteOp(registryKeys.nodeCapabilitiesPrefix(nodeId), { prefix: true }),
          deleteOp(registryKeys.drain(nodeId)),
        ]);
        if (!txn.succeeded) continue;
        if (node.lease !== '0') await this.revoke(client, call, node.lease);
        return;
      }
      throw new PimcpError(ErrorCode.StoreUnavailable,
        `node "${nodeId}" could not leave: ${MAX_TXN_ATTEMPTS} attempts collided with concurrent re-registrations; retry`);
    });
  }

  async setCapabilityEnabled(scope: CapabilityScope, name: string, enabled: boolean): Promise<number> {
    const key = registryKeys.disabled(scope, name);
    return this.run(`${enabled ? 'enabling' : 'disabling'} capability "${name}" on ${scope}`, async (client, call) => {
      if (enabled) return Number((await client.kv.deleteRange({ key: Buffer.from(key) }, call)).header.revision);
      const record: DisabledCapabilityRecord = { scope, name, at: this.now().toISOString() };
      return Number((await client.kv.put(putRequest(key, record), call)).header.revision);
    });
  }

  async setRoutingPolicy(capability: string, policy: Record<string, unknown> | undefined): Promise<number> {
    const key = registryKeys.routingPolicy(capability);
    return this.run(`${policy ? 'setting' : 'removing'} the routing policy of "${capability}"`, async (client, call) => {
      if (!policy) return Number((await client.kv.deleteRange({ key: Buffer.from(key) }, call)).header.revision);
      const record: RoutingPolicyRecord = { capability, policy, at: this.now().toISOString() };
      return Number((await client.kv.put(putRequest(key, record), call)).header.revision);
    });
  }

  async putToolSet(name: string, patterns: readonly string[]): Promise<number> {
    return this.run(`setting tool set "${name}"`, async (client, call) => {
      const record: ToolSetRecord = { name, patterns: [...patterns], at: this.now().toISOString() };
      return Number((await client.kv.put(putRequest(registryKeys.toolSet(name), record), call)).header.revision);
    });
  }

  async deleteToolSet(name: string): Promise<number | undefined> {
    return this.run(`removing tool set "${name}"`, async (client, call) => {
      const deleted = await client.kv.deleteRange({ key: Buffer.from(registryKeys.toolSet(name)) }, call);
      return Number(deleted.deleted) > 0 ? Number(deleted.header.revision) : undefined;
    });
  }

  async drain(nodeId: string): Promise<void> {
    await this.run(`draining node "${nodeId}"`, async (client, call) => {
      const record: DrainRecord = { nodeId, at: this.now().toISOString() };
      const txn = await this.txn(client, call, [
        { key: Buffer.from(registryKeys.node(nodeId)), target: CompareTarget.Create, result: CompareResult.Greater, create_revision: 0 },
      ], [putOp(registryKeys.drain(nodeId), record)]);
      if (!txn.succeeded) throw nodeUnknown(nodeId);
    });
  }

  async snapshot(): Promise<RegistrySnapshot> {
    return this.run('reading a registry snapshot', async (client, call) => {
      // One range is served at one revision, so the snapshot is consistent.
      const range = await client.kv.range({ key: Buffer.from(REGISTRY_PREFIX), range_end: Buffer.from(REGISTRY_SNAPSHOT_END) }, call);
      return buildSnapshot(range.kvs.map((kv) => [kv.key.toString(), kv.value.toString()] as const), Number(range.header.revision));
    });
  }

  async routingPolicies(): Promise<RegistrySnapshot['routingPolicies']> {
    return (await this.readPrefix(registryKeys.routingPolicyPrefix(), 'reading the routing policies')).routingPolicies;
  }

  async toolSets(): Promise<RegistrySnapshot['toolSets']> {
    return (await this.readPrefix(registryKeys.toolSetPrefix(), 'reading the tool sets')).toolSets;
  }

  /** One prefix's entries decoded as a (partial) snapshot: the same codec, a smaller range. */
  private readPrefix(prefix: string, what: string): Promise<RegistrySnapshot> {
    return this.run(what, async (client, call) => {
      const range = await client.kv.range({ key: Buffer.from(prefix), range_end: Buffer.from(prefixEnd(prefix)) }, call);
      return buildSnapshot(range.kvs.map((kv) => [kv.key.toString(), kv.value.toString()] as const), Number(range.header.revision));
    });
  }

  async watch(afterRevision: number, handlers: RegistryWatchHandlers): Promise<RegistryWatch> {
    return this.run(`watching the registry after revision ${afterRevision}`, async (client) => {
      const timeoutMs = this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
      const watch = await EtcdRegistryWatch.start(
        client, afterRevision, handlers, this.hosts, timeoutMs, (w) => this.watches.delete(w));
      this.watches.add(watch);
      return watch;
    });
  }

  async removeOrphans(): Promise<OrphanReport> {
    return this.run('removing orphaned registry keys', async (client, call) => {
      const read = await this.txn(client, call, [], [
        rangeOp(registryKeys.nodesPrefix(), { prefix: true, keysOnly: true }),
        rangeOp(registryKeys.capabilitiesPrefix(), { prefix: true }),
        rangeOp(registryKeys.claimsPrefix(), { prefix: true }),
        rangeOp(registryKeys.drainPrefix(), { prefix: true, keysOnly: true }),
      ]);
      const [nodeKvs, capabilityKvs, claimKvs, drainKvs] = read.responses.map((r) => r.response_range.kvs ?? []);
      const liveNodes = new Set((nodeKvs ?? []).map((kv) => kv.key.toString()));
      const nodeOf = (kv: IKeyValue): string | undefined => {
        const parsed = parseRegistryKey(kv.key.toString());
        return parsed?.kind === 'capability' || parsed?.kind === 'drain' ? registryKeys.node(parsed.nodeId) : undefined;
      };
      const live = (capabilityKvs ?? []).filter((kv) => liveNodes.has(nodeOf(kv) ?? ''))
        .map((kv) => jsonOf<CapabilityRecord>(kv)).filter((c): c is CapabilityRecord => c !== undefined);
      const report: OrphanReport = { claims: [], capabilities: [], drains: [] };
      // Each key goes in its own guarded delete, so a join racing with housekeeping keeps what it just wrote.
      for (const kv of claimKvs ?? []) {
        if (claimIsHeld(kv.key.toString(), jsonOf<string>(kv), live)) continue;
        if (await this.deleteIfUnchanged(client, call, kv)) report.claims.push(kv.key.toString());
      }
      for (const kv of capabilityKvs ?? []) {
        const node = nodeOf(kv);
        if (!node || liveNodes.has(node)) continue;
        if (await this.deleteIfUnchanged(client, call, kv, node)) report.capabilities.push(kv.key.toString());
      }
      for (const kv of drainKvs ?? []) {
        const node = nodeOf(kv);
        if (!node || liveNodes.has(node)) continue;
        if (await this.deleteIfUnchanged(client, call, kv, node)) report.drains.push(kv.key.toString());
      }
      return report;
    });
  }

  async setCatalogRevision(value: number): Promise<void> {
    const key = registryKeys.catalogRevision();
    await this.run(`setting the catalog revision to ${value}`, async (client, call) => {
      for (let attempt = 1; attempt <= MAX_TXN_ATTEMPTS; attempt++) {
        const current = (await client.kv.range({ key: Buffer.from(key) }, call)).kvs[0];
        // etcd compares values as bytes ("9" > "10"), so the numeric check happens here, guarded by mod revision.
        if ((jsonOf<number>(current) ?? 0) >= value) return;
        const txn = await this.txn(client, call, [modRevisionIs(key, current?.mod_revision ?? 0)], [putOp(key, value)]);
        if (txn.succeeded) return;
      }
      throw new PimcpError(ErrorCode.StoreUnavailable,
        `the catalog revision could not be set: ${MAX_TXN_ATTEMPTS} attempts collided with concurrent writers; retry`);
    });
  }

  async listPins(nodeId?: string): Promise<DefinitionPinRecord[]> {
    return this.run('listing definition pins', (client, call) => pins.listPins(client, call, nodeId));
  }

  async reviewPin(review: PinReview): Promise<PinReviewResult> {
    const verb = review.approve ? 'approving' : 'rejecting';
    return this.run(`${verb} the definition change of "${review.name}" on node "${review.nodeId}"`, async (client, call) => {
      for (let attempt = 1; attempt <= MAX_TXN_ATTEMPTS; attempt++) {
        const result = await pins.reviewPinOnce(client, call, review, this.now(), (revision) => this.liveCapabilities(client, call, revision));
        if (result) return result;
      }
      throw new PimcpError(ErrorCode.StoreUnavailable,
        `${verb} the definition change collided ${MAX_TXN_ATTEMPTS} times with the node re-joining; retry`);
    });
  }

  async setNodeTrusted(nodeId: string, trusted: boolean): Promise<number> {
    return this.run(`${trusted ? 'trusting' : 'distrusting'} node "${nodeId}"`, (client, call) =>
      pins.setNodeTrusted(client, call, nodeId, trusted, this.now()));
  }

  async listTrustedNodes(): Promise<TrustedNodeRecord[]> {
    return this.run('listing trusted nodes', (client, call) => pins.listTrustedNodes(client, call));
  }

  async listPinningEvents(limit: number): Promise<PinningEvent[]> {
    return this.run('listing pinning events', (client, call) => pins.listPinningEvents(client, call, limit));
  }

  async trimPinningEvents(keep: number): Promise<number> {
    return this.run('trimming pinning events', (client, call) => pins.trimPinningEvents(client, call, keep));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Watchers first: etcd3 keeps reconnecting a watch stream as long as any watcher is attached.
    await Promise.all([...this.watches].map((w) => w.close()));
    this.keeper?.close();
    this.client?.close();
    this.client = undefined;
  }

  /**
   * Connects on first use and maps failures to PimcpErrors naming the hosts. All RPCs of one operation share one
   * deadline, so etcd3's retries (three per call) cannot stretch a dead etcd into minutes.
   */
  private async run<T>(action: string, work: (client: Etcd3, call: CallOptions) => Promise<T>): Promise<T> {
    if (this.closed) {
      throw new PimcpError(ErrorCode.StoreUnavailable, `the etcd registry store (${this.hosts.join(', ')}) was closed; create a new one`);
    }
    this.client ??= createEtcdClient(this.options);
    try {
      return await work(this.client, this.callOptions());
    } catch (error) {
      throw toStoreError(error, this.hosts, action);
    }
  }

  private callOptions(): CallOptions {
    return { deadline: Date.now() + (this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS) };
  }

  /** What a join decides on, read at one revision: the current registration and every schema claim. */
  private async readJoinState(client: Etcd3, call: CallOptions, nodeId: string): Promise<{
    previous: IKeyValue | undefined; ownCapabilityKeys: string[]; claims: Map<string, IKeyValue>; revision: number;
    nodePins: pins.NodePins; trusted: boolean;
  }> {
    const read = await this.txn(client, call, [], [
      rangeOp(registryKeys.node(nodeId)),
      rangeOp(registryKeys.nodeCapabilitiesPrefix(nodeId), { prefix: true, keysOnly: true }),
      rangeOp(registryKeys.claimsPrefix(), { prefix: true }),
      rangeOp(registryKeys.nodePinsPrefix(nodeId), { prefix: true }),
      rangeOp(registryKeys.trusted(nodeId), { keysOnly: true }),
    ]);
    const [nodeKvs, ownCapabilityKvs, claimKvs, pinKvs, trustedKvs] = read.responses.map((r) => r.response_range.kvs ?? []);
    return {
      previous: nodeKvs?.[0],
      ownCapabilityKeys: (ownCapabilityKvs ?? []).map((kv) => kv.key.toString()),
      claims: new Map((claimKvs ?? []).map((kv) => [kv.key.toString(), kv])),
      revision: Number(read.header.revision),
      nodePins: pins.nodePinsOf(pinKvs ?? []),
      trusted: (trustedKvs?.length ?? 0) > 0,
    };
  }

  private leaseKeeper(client: Etcd3): EtcdLeaseKeeper {
    this.keeper ??= new EtcdLeaseKeeper(() => client.leaseClient, this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
    return this.keeper;
  }

  private txn(client: Etcd3, call: CallOptions, compare: ICompare[], success: IRequestOp[]): Promise<ITxnResponse> {
    return client.kv.txn({ compare, success, failure: [] }, call);
  }

  private async revoke(client: Etcd3, call: CallOptions, leaseId: string): Promise<void> {
    try {
      await client.leaseClient.leaseRevoke({ ID: leaseId }, call);
    } catch (error) {
      // Already expired or revoked: the goal (no lease) is met.
      if (!/lease not found/.test((error as Error).message)) throw error;
    }
  }

  /** Capabilities whose node record exists, read at `revision` so they match the claims read there. */
  private async liveCapabilities(client: Etcd3, call: CallOptions, revision: number): Promise<CapabilityRecord[]> {
    const read = await this.txn(client, call, [], [
      rangeOp(registryKeys.nodesPrefix(), { prefix: true, keysOnly: true, revision }),
      rangeOp(registryKeys.capabilitiesPrefix(), { prefix: true, revision }),
    ]);
    const [nodeKvs, capabilityKvs] = read.responses.map((r) => r.response_range.kvs ?? []);
    const liveNodes = new Set((nodeKvs ?? []).map((kv) => kv.key.toString()));
    return (capabilityKvs ?? []).map((kv) => jsonOf<CapabilityRecord>(kv))
      .filter((c): c is CapabilityRecord => c !== undefined && liveNodes.has(registryKeys.node(c.nodeId)));
  }

  /** Deletes `kv` unless it changed since it was read (and, given `absentNodeKey`, unless that node came back). */
  private async deleteIfUnchanged(client: Etcd3, call: CallOptions, kv: IKeyValue, absentNodeKey?: string): Promise<boolean> {
    const key = kv.key.toString();
    const txn = await this.txn(client, call, [
      modRevisionIs(key, kv.mod_revision),
      ...(absentNodeKey ? [modRevisionIs(absentNodeKey, 0)] : []),
    ], [deleteOp(key)]);
    return txn.succeeded;
  }
}

function nodeUnknown(nodeId: string): PimcpError {
  return new PimcpError(ErrorCode.NodeUnknown,
    `node "${nodeId}" is not registered (it never joined, left, or missed heartbeats until its lease expired); join again`);
}

/** etcd caps operations per transaction (--max-txn-ops, default 128); a join needs about two per capability. */
function tooManyOperations(error: unknown, manifest: NodeManifest): PimcpError | undefined {
  if (!(error instanceof Error) || !error.message.includes('too many operations in txn request')) return undefined;
  return new PimcpError(ErrorCode.InvalidManifest,
    `node "${manifest.nodeId}" offers ${manifest.capabilities.length} capabilities, more than etcd accepts in one `
    + 'registration transaction (about two operations per capability against etcd\'s --max-txn-ops, default 128); '
    + 'raise --max-txn-ops on the etcd members or split the capabilities across nodes');
}

/** The key after every key that starts with `prefix` (etcd's range_end for a prefix). */
function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}
