import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ContextJournal, ContextStoreErrorCode, ContextStoreException, HybridLogicalClock, InMemoryContextStore, type JsonValue, OfflineContextStore,
  type PutOptions,
} from '@pimcp/context-store';
import { NodeContexts } from './node-contexts';

/** A shared store whose writes fail as an unreachable Redis would, while `down`. */
class UplinkStore extends InMemoryContextStore {
  down = false;

  override async put(contextId: string, key: string, value: JsonValue, options?: PutOptions) {
    if (this.down) throw new ContextStoreException(ContextStoreErrorCode.Unavailable, 'Redis at redis://uplink failed: connect ECONNREFUSED');
    return super.put(contextId, key, value, options);
  }
}

describe(NodeContexts.name, () => {
  const store = new InMemoryContextStore();
  afterAll(() => store.close());

  it('reads a write from another node through the local replica, and its own writes at once', async () => {
    const nodeA = new NodeContexts(store, { maxReplicas: 4 });
    const nodeB = new NodeContexts(store, { maxReplicas: 4 });
    const written = await nodeA.handle('shared').put('plan', { step: 1 });
    expect(await nodeA.handle('shared').get('plan')).toEqual({ value: { step: 1 }, revision: written.revision });
    expect((await nodeB.handle('shared').get('plan'))?.value).toEqual({ step: 1 });
    await nodeA.handle('shared').patch('plan', { step: 2, done: true });
    // B's replica follows the watch; poll briefly rather than assume delivery order.
    for (let i = 0; i < 50 && (await nodeB.handle('shared').get('plan'))?.revision !== 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect((await nodeB.handle('shared').get('plan'))?.value).toEqual({ step: 2, done: true });
    await Promise.all([nodeA.close(), nodeB.close()]);
  });

  it('reports each change its replicas apply after loading, with the store\'s commit time (for the lag metric)', async () => {
    const applied: Array<{ type: string; writtenAt?: number }> = [];
    const node = new NodeContexts(store, { maxReplicas: 4, onChangeApplied: (change) => applied.push(change) });
    const other = new NodeContexts(store, { maxReplicas: 4 });
    await other.handle('lagged').put('before', 1);
    await node.handle('lagged').get('before');
    const before = Date.now();
    await other.handle('lagged').put('after', 2);
    for (let i = 0; i < 50 && applied.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    // The snapshot loaded at open is not replication; the later put is, stamped by the store.
    expect(applied).toHaveLength(1);
    expect(applied[0]).toMatchObject({ type: 'put', key: 'after' });
    expect(applied[0]?.writtenAt).toBeGreaterThanOrEqual(before);
    await Promise.all([node.close(), other.close()]);
  });

  it('keeps at most maxReplicas contexts open, closing the least recently used', async () => {
    const node = new NodeContexts(store, { maxReplicas: 2 });
    await node.handle('c1').get('k');
    await node.handle('c2').get('k');
    await node.handle('c1').get('k'); // c1 is now the most recent
    await node.handle('c3').get('k');
    expect(node.openCount).toBe(2);
    await node.handle('c2').put('k', 'reopened');
    expect(node.openCount).toBe(2);
    expect((await node.handle('c2').get('k'))?.value).toBe('reopened');
    await node.close();
    expect(node.openCount).toBe(0);
  });

  it('offline: serves the last replica with its own journaled writes on top, marked stale, then converges', async () => {
    const shared = new UplinkStore();
    const store = new OfflineContextStore(shared, ContextJournal.open(join(mkdtempSync(join(tmpdir(), 'pimcp-nc-')), 'j.jsonl')), new HybridLogicalClock('pi-1'), { retryIntervalMs: 50 });
    const node = new NodeContexts(store, { maxReplicas: 4 });
    const ctx = node.handle('field-notes');
    await ctx.put('seen', 'online');
    expect(await ctx.get('seen')).toEqual({ value: 'online', revision: 1 });

    shared.down = true;
    expect(await ctx.put('seen', 'offline')).toMatchObject({ pending: true });
    expect(await ctx.get('seen')).toEqual({ value: 'offline', revision: 1, stale: true, pending: true });
    expect(await ctx.get('never')).toBeUndefined();

    shared.down = false;
    for (let i = 0; i < 100 && !store.online; i++) await new Promise((r) => setTimeout(r, 20));
    for (let i = 0; i < 100 && (await ctx.get('seen'))?.revision !== 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await ctx.get('seen')).toEqual({ value: 'offline', revision: 2 });
    await node.close();
    await store.close();
  });
});
