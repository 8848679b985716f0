/// <reference types="jest" />
/**
 * The behaviour every RegistryStore adapter must share. Run it from each adapter's spec:
 * `describeRegistryStoreContract(EtcdRegistryStore.name, async () => ({ store, cleanup }))`.
 */
import {
  ALL_NODES, ErrorCode, PimcpError, schemaDigest, type RegistryEvent, type RegistrySnapshot,
} from '@pimcp/protocol';
import type { RegistryStore } from '../port/registry-store.port';
import { registryKeys } from '../registry-keys';
import { contractCapability, contractManifest } from './contract-manifest.fixture';
import { describeDefinitionPinningContract } from './definition-pinning.contract';
import { eventually } from './eventually.util';
import { RegistryEventCollector } from './registry-event.collector';

export interface RegistryStoreContractFixture {
  store: RegistryStore;
  /** A second store over the same data (another registry replica), when the adapter has one. */
  openReplica?(): Promise<RegistryStore>;
  cleanup(): Promise<void>;
}

export interface RegistryStoreContractOptions {
  /** Lease TTL for expiry tests; etcd raises anything below its minimum (2 s with default timing) anyway. */
  leaseTtlSeconds?: number;
}

const SCHEMA_A = { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] };
const SCHEMA_B = { type: 'object', properties: { path: { type: 'number' } }, required: ['path'] };

export function describeRegistryStoreContract(
  name: string,
  factory: () => Promise<RegistryStoreContractFixture>,
  options: RegistryStoreContractOptions = {},
): void {
  const ttl = options.leaseTtlSeconds ?? 2;
  const expiryTimeoutMs = ttl * 1000 + 5000;

  describe(name, () => {
    let fixture: RegistryStoreContractFixture;
    let store: RegistryStore;
    const collectors: RegistryEventCollector[] = [];

    const watchFrom = async (revision: number): Promise<RegistryEventCollector> => {
      const collector = await RegistryEventCollector.start(store, revision);
      collectors.push(collector);
      return collector;
    };
    const nodeIds = (s: RegistrySnapshot): string[] => s.nodes.map((n) => n.nodeId).sort();
    const capabilityKeys = (s: RegistrySnapshot): string[] =>
      s.capabilities.map((c) => `${c.nodeId}/${c.definition.name}`).sort();
    const gone = (nodeId: string) => async () =>
      (await store.snapshot()).nodes.some((n) => n.nodeId === nodeId) ? undefined : true;

    beforeEach(async () => {
      fixture = await factory();
      store = fixture.store;
    });

    afterEach(async () => {
      await Promise.all(collectors.splice(0).map((c) => c.close()));
      await fixture.cleanup();
    });

    describe('join', () => {
      it('registers the node and its capabilities, visible in the next snapshot', async () => {
        const manifest = contractManifest('node-a', [contractCapability('file.search'), contractCapability('file.read')]);

        const result = await store.join(manifest, { ttlSeconds: 30 });

        const snapshot = await store.snapshot();
        expect(snapshot.revision).toBeGreaterThanOrEqual(result.revision);
        expect(snapshot.nodes).toEqual([expect.objectContaining({
          nodeId: 'node-a', linkAddress: manifest.linkAddress, labels: { tier: 'edge' }, leaseId: result.leaseId,
          capabilityNames: ['file.search', 'file.read'],
        })]);
        expect(Number.isNaN(Date.parse(snapshot.nodes[0]?.joinedAt ?? ''))).toBe(false);
        expect(capabilityKeys(snapshot)).toEqual(['node-a/file.read', 'node-a/file.search']);
        const search = snapshot.capabilities.find((c) => c.definition.name === 'file.search');
        expect(search?.schemaDigest).toBe(schemaDigest(contractCapability('file.search')));
        expect(search?.definition).toEqual(contractCapability('file.search'));
      });

      it('keeps the node\'s resources, templates and prompts on its record, and drops them when it re-joins without', async () => {
        const offerings = {
          resources: [{ uri: 'pi://logs/app', name: 'app log' }],
          resourceTemplates: [{ uriTemplate: 'pi://sensors/{name}', name: 'sensor' }],
          prompts: [{ name: 'summarize', arguments: [{ name: 'uri', required: true }] }],
        };
        await store.join({ ...contractManifest('node-a', [contractCapability('file.search')]), ...offerings }, { ttlSeconds: 30 });
        expect((await store.snapshot()).nodes[0]?.offerings).toEqual(offerings);

        await store.join(contractManifest('node-a', [contractCapability('file.search')]), { ttlSeconds: 30 });
        expect((await store.snapshot()).nodes[0]?.offerings).toBeUndefined();
      });

      it('replaces an earlier registration of the same node: dropped capabilities vanish, nothing is duplicated', async () => {
        const first = await store.join(
          contractManifest('node-a', [contractCapability('file.search'), contractCapability('file.read')]), { ttlSeconds: 30 });

        const second = await store.join(
          contractManifest('node-a', [contractCapability('file.search'), contractCapability('file.write')]), { ttlSeconds: 30 });

        expect(second.leaseId).not.toBe(first.leaseId);
        expect(second.revision).toBeGreaterThan(first.revision);
        const snapshot = await store.snapshot();
        expect(snapshot.nodes).toHaveLength(1);
        expect(snapshot.nodes[0]).toMatchObject({ leaseId: second.leaseId, capabilityNames: ['file.search', 'file.write'] });
        expect(capabilityKeys(snapshot)).toEqual(['node-a/file.search', 'node-a/file.write']);
        await expect(store.heartbeat('node-a')).resolves.toEqual({ draining: false });
      });

      it('rejects a different schema for the same name and major version with CAPABILITY_CONFLICT and writes nothing', async () => {
        await store.join(contractManifest('node-a', [contractCapability('file.search', { inputSchema: SCHEMA_A })]), { ttlSeconds: 30 });
        const before = await store.snapshot();

        const joining = store.join(contractManifest('node-b', [
          contractCapability('file.other'),
          contractCapability('file.search', { version: '1.4.0', inputSchema: SCHEMA_B }),
        ]), { ttlSeconds: 30 });

        const error = await joining.catch((e: unknown) => e);
        expect(error).toBeInstanceOf(PimcpError);
        expect(error).toMatchObject({ code: ErrorCode.CapabilityConflict, retryable: false });
        const message = (error as PimcpError).message;
        expect(message).toContain('"file.search"');
        expect(message).toContain('1.4.0');
        expect(message).toContain('node-a');
        expect(message).toMatch(/bump the major version or make the schema identical/i);
        expect(await store.snapshot()).toEqual(before);
      });

      it('accepts the same name with a different schema under another major version', async () => {
        await store.join(contractManifest('node-a', [contractCapability('file.search', { inputSchema: SCHEMA_A })]), { ttlSeconds: 30 });

        await store.join(contractManifest('node-b', [
          contractCapability('file.search', { version: '2.0.0', inputSchema: SCHEMA_B }),
        ]), { ttlSeconds: 30 });

        expect(capabilityKeys(await store.snapshot())).toEqual(['node-a/file.search', 'node-b/file.search']);
      });

      it('accepts the same schema written with a different key order', async () => {
        const schema = { type: 'object', properties: { a: { type: 'string' }, b: { type: 'integer' } }, required: ['a'] };
        const reordered = { required: ['a'], properties: { b: { type: 'integer' }, a: { type: 'string' } }, type: 'object' };
        await store.join(contractManifest('node-a', [contractCapability('db.query', { inputSchema: schema })]), { ttlSeconds: 30 });

        await store.join(contractManifest('node-b', [contractCapability('db.query', { inputSchema: reordered })]), { ttlSeconds: 30 });

        expect(capabilityKeys(await store.snapshot())).toEqual(['node-a/db.query', 'node-b/db.query']);
      });

      it('lets another schema claim the name once every holder of the old one has left', async () => {
        await store.join(contractManifest('node-a', [contractCapability('file.search', { inputSchema: SCHEMA_A })]), { ttlSeconds: 30 });
        await store.leave('node-a');

        await store.join(contractManifest('node-b', [contractCapability('file.search', { inputSchema: SCHEMA_B })]), { ttlSeconds: 30 });

        const snapshot = await store.snapshot();
        expect(snapshot.capabilities).toEqual([expect.objectContaining({
          nodeId: 'node-b', schemaDigest: schemaDigest(contractCapability('file.search', { inputSchema: SCHEMA_B })),
        })]);
      });

      it("counts the joining node's own live registration as a holder of the old schema", async () => {
        await store.join(contractManifest('node-a', [contractCapability('file.search', { inputSchema: SCHEMA_A })]), { ttlSeconds: 30 });

        const rejoin = store.join(
          contractManifest('node-a', [contractCapability('file.search', { inputSchema: SCHEMA_B })]), { ttlSeconds: 30 });

        await expect(rejoin).rejects.toMatchObject({ code: ErrorCode.CapabilityConflict });
        await store.leave('node-a');
        await expect(store.join(
          contractManifest('node-a', [contractCapability('file.search', { inputSchema: SCHEMA_B })]), { ttlSeconds: 30 },
        )).resolves.toEqual(expect.objectContaining({ leaseId: expect.any(String) }));
      });

      it('admits exactly one of two concurrent joins with conflicting schemas', async () => {
        const replica = fixture.openReplica ? await fixture.openReplica() : store;
        try {
          const results = await Promise.allSettled([
            store.join(contractManifest('node-a', [contractCapability('file.search', { inputSchema: SCHEMA_A })]), { ttlSeconds: 30 }),
            replica.join(contractManifest('node-b', [contractCapability('file.search', { inputSchema: SCHEMA_B })]), { ttlSeconds: 30 }),
          ]);

          expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
          const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
          expect(rejected?.reason).toMatchObject({ code: ErrorCode.CapabilityConflict });
          expect((await store.snapshot()).nodes).toHaveLength(1);
        } finally {
          if (replica !== store) await replica.close();
        }
      });
    });

    describe('heartbeat', () => {
      it('keeps the node alive past its TTL', async () => {
        await store.join(contractManifest('node-a', [contractCapability('file.search')]), { ttlSeconds: ttl });
        const until = Date.now() + ttl * 1000 * 2;

        while (Date.now() < until) {
          await expect(store.heartbeat('node-a')).resolves.toEqual({ draining: false });
          await new Promise((resolve) => setTimeout(resolve, (ttl * 1000) / 4));
        }

        const snapshot = await store.snapshot();
        expect(nodeIds(snapshot)).toEqual(['node-a']);
        expect(capabilityKeys(snapshot)).toEqual(['node-a/file.search']);
      });

      it('lets a node without heartbeats vanish with its capabilities after the TTL', async () => {
        const joined = await store.join(contractManifest('node-a', [contractCapability('file.search')]), { ttlSeconds: ttl });
        await store.join(contractManifest('node-b', [contractCapability('file.read')]), { ttlSeconds: 30 });
        const collector = await watchFrom(joined.revision);
        const startedAt = Date.now();

        await eventually(gone('node-a'), { timeoutMs: expiryTimeoutMs, description: 'node-a to expire' });

        expect(Date.now() - startedAt).toBeGreaterThanOrEqual(ttl * 1000 - 600);
        const snapshot = await store.snapshot();
        expect(nodeIds(snapshot)).toEqual(['node-b']);
        expect(capabilityKeys(snapshot)).toEqual(['node-b/file.read']);
        const deletion = await collector.waitFor((e) => e.kind === 'node' && e.nodeId === 'node-a' && !e.value, 'node-a deleted');
        const sameRevision = collector.events.filter((e) => e.revision === deletion.revision);
        expect(sameRevision).toEqual(expect.arrayContaining([
          expect.objectContaining({ kind: 'capability', nodeId: 'node-a', name: 'file.search' }),
        ]));
      });

      it('answers NODE_UNKNOWN once the lease has expired', async () => {
        await store.join(contractManifest('node-a', [contractCapability('file.search')]), { ttlSeconds: ttl });
        await eventually(gone('node-a'), { timeoutMs: expiryTimeoutMs, description: 'node-a to expire' });

        await expect(store.heartbeat('node-a')).rejects.toMatchObject({ code: ErrorCode.NodeUnknown });
      });

      it('answers NODE_UNKNOWN for a node that never joined', async () => {
        await expect(store.heartbeat('node-x')).rejects.toMatchObject({ code: ErrorCode.NodeUnknown });
      });
    });

    describe('leave', () => {
      it('removes the node and all its capabilities at once, in one revision', async () => {
        const joined = await store.join(
          contractManifest('node-a', [contractCapability('file.search'), contractCapability('file.read')]), { ttlSeconds: 30 });
        const collector = await watchFrom(joined.revision);

        await store.leave('node-a');

        const snapshot = await store.snapshot();
        expect(snapshot.nodes).toEqual([]);
        expect(snapshot.capabilities).toEqual([]);
        await collector.waitFor((e) => e.kind === 'node' && !e.value, 'node-a deleted');
        expect(collector.batches).toHaveLength(1);
        expect(collector.batches[0]?.map((e) => `${e.kind}:${'name' in e ? e.name : ''}:${e.value ? 'put' : 'del'}`).sort())
          .toEqual(['capability:file.read:del', 'capability:file.search:del', 'node::del']);
      });

      it('answers NODE_UNKNOWN for a node that is not registered', async () => {
        await expect(store.leave('node-x')).rejects.toMatchObject({ code: ErrorCode.NodeUnknown });
      });
    });

    describe('setCapabilityEnabled', () => {
      it('disables on one node and everywhere, enables back, and reports each switch in snapshot and watch', async () => {
        const joined = await store.join(contractManifest('node-a', [contractCapability('file.search')]), { ttlSeconds: 30 });
        const collector = await watchFrom(joined.revision);

        const r1 = await store.setCapabilityEnabled('node-a', 'file.search', false);
        const r2 = await store.setCapabilityEnabled(ALL_NODES, 'file.read', false);

        expect(r2).toBeGreaterThan(r1);
        expect(r1).toBeGreaterThan(joined.revision);
        const disabled = (await store.snapshot()).disabled;
        expect(disabled).toHaveLength(2);
        expect(disabled).toEqual(expect.arrayContaining([
          expect.objectContaining({ scope: 'node-a', name: 'file.search' }),
          expect.objectContaining({ scope: ALL_NODES, name: 'file.read' }),
        ]));
        expect(Number.isNaN(Date.parse(disabled[0]?.at ?? ''))).toBe(false);

        const r3 = await store.setCapabilityEnabled('node-a', 'file.search', true);
        const r4 = await store.setCapabilityEnabled(ALL_NODES, 'file.read', true);

        expect(r4).toBeGreaterThan(r3);
        expect((await store.snapshot()).disabled).toEqual([]);
        await collector.waitFor((e) => e.revision === r4, 'the last enable');
        expect(collector.events.map((e) => [e.revision, e.kind, 'scope' in e ? e.scope : '', e.value ? 'put' : 'del']))
          .toEqual([[r1, 'disabled', 'node-a', 'put'], [r2, 'disabled', ALL_NODES, 'put'],
            [r3, 'disabled', 'node-a', 'del'], [r4, 'disabled', ALL_NODES, 'del']]);
      });

      it('keeps a disable across a restart of the node', async () => {
        await store.join(contractManifest('node-a', [contractCapability('file.search')]), { ttlSeconds: 30 });
        await store.setCapabilityEnabled('node-a', 'file.search', false);

        await store.leave('node-a');
        await store.join(contractManifest('node-a', [contractCapability('file.search')]), { ttlSeconds: 30 });

        expect((await store.snapshot()).disabled).toEqual([expect.objectContaining({ scope: 'node-a', name: 'file.search' })]);
      });
    });

    describeDefinitionPinningContract(() => fixture);

    describe('routing policies', () => {
      it('stores, reports in snapshot and watch, replaces and removes an operator\'s routing policy', async () => {
        const start = (await store.snapshot()).revision;
        const collector = await watchFrom(start);
        const set = await store.setRoutingPolicy('file.search', { pin: 'pi-7' });
        expect(set).toBeGreaterThan(start);
        await store.setRoutingPolicy('*', { require: ['tier=edge'] });
        await store.setRoutingPolicy('file.search', { spread: true });
        const snapshot = await store.snapshot();
        expect(snapshot.routingPolicies.map((r) => [r.capability, r.policy])).toEqual([['*', { require: ['tier=edge'] }], ['file.search', { spread: true }]]);
        expect(await store.routingPolicies()).toEqual(snapshot.routingPolicies);
        await collector.waitFor((e) => e.kind === 'routing-policy' && e.capability === 'file.search' && e.value?.policy['spread'] === true, 'the replaced policy');
        await store.setRoutingPolicy('file.search', undefined);
        await collector.waitFor((e) => e.kind === 'routing-policy' && e.capability === 'file.search' && e.value === undefined, 'the removal');
        expect((await store.snapshot()).routingPolicies.map((r) => r.capability)).toEqual(['*']);
        expect((await store.routingPolicies()).map((r) => r.capability)).toEqual(['*']);
      });
    });

    describe('tool sets', () => {
      it('stores, reports in snapshot and watch, replaces and removes an operator\'s tool set', async () => {
        const start = (await store.snapshot()).revision;
        const collector = await watchFrom(start);
        const set = await store.putToolSet('ops', ['shell.*']);
        expect(set).toBeGreaterThan(start);
        await store.putToolSet('analyst', ['file.search', 'prompts:review']);
        await store.putToolSet('ops', ['shell.*', 'context:read']);
        const snapshot = await store.snapshot();
        expect(snapshot.toolSets.map((r) => [r.name, r.patterns])).toEqual([['analyst', ['file.search', 'prompts:review']], ['ops', ['shell.*', 'context:read']]]);
        expect(await store.toolSets()).toEqual(snapshot.toolSets);
        await collector.waitFor((e) => e.kind === 'tool-set' && e.name === 'ops' && e.value?.patterns.length === 2, 'the replaced set');
        const removed = await store.deleteToolSet('ops');
        expect(removed).toBeGreaterThan(set);
        await collector.waitFor((e) => e.kind === 'tool-set' && e.name === 'ops' && e.value === undefined, 'the removal');
        expect((await store.snapshot()).toolSets.map((r) => r.name)).toEqual(['analyst']);
        expect((await store.toolSets()).map((r) => r.name)).toEqual(['analyst']);
      });

      it('reports that there was nothing to remove, and writes nothing', async () => {
        const before = (await store.snapshot()).revision;
        await expect(store.deleteToolSet('never-set')).resolves.toBeUndefined();
        expect((await store.snapshot()).revision).toBe(before);
      });
    });

    describe('drain', () => {
      it('marks a live node as draining, which its heartbeat and the snapshot report', async () => {
        await store.join(contractManifest('node-a', [contractCapability('file.search')]), { ttlSeconds: 30 });

        await store.drain('node-a');

        await expect(store.heartbeat('node-a')).resolves.toEqual({ draining: true });
        expect((await store.snapshot()).drained).toEqual([expect.objectContaining({ nodeId: 'node-a' })]);
      });

      it('clears the mark when the node leaves', async () => {
        await store.join(contractManifest('node-a', [contractCapability('file.search')]), { ttlSeconds: 30 });
        await store.drain('node-a');

        await store.leave('node-a');

        expect((await store.snapshot()).drained).toEqual([]);
      });

      it('answers NODE_UNKNOWN for a node that is not registered', async () => {
        await expect(store.drain('node-x')).rejects.toMatchObject({ code: ErrorCode.NodeUnknown });
        expect((await store.snapshot()).drained).toEqual([]);
      });
    });

    describe('snapshot', () => {
      it('starts empty with catalog revision 0', async () => {
        expect(await store.snapshot()).toMatchObject({
          catalogRevision: 0, nodes: [], capabilities: [], disabled: [], drained: [],
        });
      });
    });

    describe('watch', () => {
      it('delivers every change after a snapshot revision, in order, one write per call, without gaps or repeats', async () => {
        const start = await store.snapshot();
        const collector = await watchFrom(start.revision);

        const writes: number[] = [];
        writes.push((await store.join(contractManifest('node-a', [contractCapability('file.search')]), { ttlSeconds: 30 })).revision);
        writes.push(await store.setCapabilityEnabled('node-a', 'file.search', false));
        writes.push((await store.join(contractManifest('node-b', [contractCapability('file.read')]), { ttlSeconds: 30 })).revision);
        writes.push(await store.setCapabilityEnabled('node-a', 'file.search', true));
        writes.push((await store.join(contractManifest('node-a', [contractCapability('file.list')]), { ttlSeconds: 30 })).revision);

        await collector.waitFor((e) => e.revision === writes[writes.length - 1], 'the last write');
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(collector.errors).toEqual([]);
        expect(collector.batches.map((b) => b[0]?.revision)).toEqual(writes);
        for (const batch of collector.batches) expect(new Set(batch.map((e) => e.revision)).size).toBe(1);
        expect(describeEvents(collector.batches[4] ?? [])).toEqual([
          'capability node-a/file.list put', 'capability node-a/file.search del', 'node node-a put',
        ]);
      });

      it('replays, for a watch started at an older revision, everything that happened since', async () => {
        const start = await store.snapshot();
        const live = await watchFrom(start.revision);
        await store.join(contractManifest('node-a', [contractCapability('file.search')]), { ttlSeconds: 30 });
        await store.drain('node-a');
        await store.leave('node-a');
        const last = await store.setCapabilityEnabled(ALL_NODES, 'file.search', false);
        await live.waitFor((e) => e.revision === last, 'the last write (live)');

        const replay = await watchFrom(start.revision);

        await replay.waitFor((e) => e.revision === last, 'the last write (replay)');
        expect(replay.batches).toEqual(live.batches);
        expect(replay.batches).toHaveLength(4);
      });

      it('stops delivering once closed', async () => {
        const start = await store.snapshot();
        const collector = await watchFrom(start.revision);
        await collector.close();

        await store.join(contractManifest('node-a', [contractCapability('file.search')]), { ttlSeconds: 30 });
        await new Promise((resolve) => setTimeout(resolve, 300));

        expect(collector.events).toEqual([]);
      });
    });

    describe('removeOrphans', () => {
      it('removes stale schema claims and drain marks of departed nodes, and keeps what live nodes back', async () => {
        await store.join(contractManifest('node-a', [contractCapability('file.search')]), { ttlSeconds: 30 });
        await store.join(contractManifest('node-b', [contractCapability('file.read')]), { ttlSeconds: ttl });
        await store.join(contractManifest('node-c', [contractCapability('file.list', { version: '3.1.0' })]), { ttlSeconds: 30 });
        await store.drain('node-b');
        await store.drain('node-c');
        await store.leave('node-a');
        await eventually(gone('node-b'), { timeoutMs: expiryTimeoutMs, description: 'node-b to expire' });

        const report = await store.removeOrphans();

        expect(report.claims.sort()).toEqual([registryKeys.claim('file.read', 1), registryKeys.claim('file.search', 1)].sort());
        expect(report.drains).toEqual([registryKeys.drain('node-b')]);
        expect(report.capabilities).toEqual([]);
        const snapshot = await store.snapshot();
        expect(snapshot.drained).toEqual([expect.objectContaining({ nodeId: 'node-c' })]);
        expect(capabilityKeys(snapshot)).toEqual(['node-c/file.list']);
        expect(await store.removeOrphans()).toEqual({ claims: [], capabilities: [], drains: [] });
        // The claim of the live node still binds after housekeeping.
        await expect(store.join(contractManifest('node-d', [
          contractCapability('file.list', { version: '3.0.0', inputSchema: SCHEMA_B }),
        ]), { ttlSeconds: 30 })).rejects.toMatchObject({ code: ErrorCode.CapabilityConflict });
      });
    });

    describe('setCatalogRevision', () => {
      it('only ever moves the catalog revision forward', async () => {
        const start = await store.snapshot();
        const collector = await watchFrom(start.revision);

        await store.setCatalogRevision(5);
        await store.setCatalogRevision(3);
        expect((await store.snapshot()).catalogRevision).toBe(5);
        await store.setCatalogRevision(12);

        expect((await store.snapshot()).catalogRevision).toBe(12);
        await collector.waitFor((e) => e.kind === 'catalog-revision' && e.value === 12, 'catalog revision 12');
        expect(collector.events.map((e) => (e.kind === 'catalog-revision' ? e.value : undefined))).toEqual([5, 12]);
      });
    });

    describe('close', () => {
      it('answers STORE_UNAVAILABLE after the store was closed', async () => {
        await store.close();

        await expect(store.snapshot()).rejects.toMatchObject({ code: ErrorCode.StoreUnavailable, retryable: true });
      });
    });
  });
}

function describeEvents(events: RegistryEvent[]): string[] {
  return events.map((e) => {
    const subject = e.kind === 'capability' ? `${e.nodeId}/${e.name}` : e.kind === 'node' || e.kind === 'drain' ? e.nodeId
      : e.kind === 'disabled' ? `${e.scope}/${e.name}` : '';
    return `${e.kind} ${subject} ${e.value === undefined ? 'del' : 'put'}`;
  }).sort();
}
