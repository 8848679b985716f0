import { ContextStoreErrorCode } from '../errors/context-store.exception';
import { InMemoryContextStore } from '../memory/in-memory-context-store.adapter';
import type { ContextChange } from '../port/context-change';
import { ContextReplica } from './context-replica';

describe(ContextReplica.name, () => {
  let store: InMemoryContextStore;
  const replicas: ContextReplica[] = [];
  const open = async (contextId = 'ctx', options = {}) => {
    const replica = await ContextReplica.open(store, contextId, options);
    replicas.push(replica);
    return replica;
  };

  beforeEach(() => {
    store = new InMemoryContextStore();
  });

  afterEach(async () => {
    await Promise.all(replicas.splice(0).map((replica) => replica.close()));
    await store.close();
  });

  describe('open', () => {
    it('loads the current state before it resolves', async () => {
      await store.put('ctx', 'a', 1);
      await store.put('ctx', 'b', { x: [1] });

      const replica = await open();

      expect(replica.revision).toBe(2);
      expect(replica.get('b')).toEqual({ value: { x: [1] }, revision: 2 });
      expect(replica.list().entries.map((e) => e.key)).toEqual(['a', 'b']);
    });
  });

  describe('get and list', () => {
    it('serve from memory, following writes made directly to the store', async () => {
      const replica = await open();

      const { revision } = await store.put('ctx', 'a', 'from elsewhere');
      await replica.waitForRevision(revision, 1000);

      expect(replica.get('a')).toEqual({ value: 'from elsewhere', revision });
    });

    it('page like the store, by prefix and cursor', async () => {
      for (const key of ['p/1', 'p/2', 'p/3', 'q']) await store.put('ctx', key, key);
      const replica = await open();

      const first = replica.list({ prefix: 'p/', limit: 2 });
      const second = replica.list({ prefix: 'p/', limit: 2, cursor: first.cursor });

      expect(first.entries.map((e) => e.key)).toEqual(['p/1', 'p/2']);
      expect(second).toEqual({ entries: [{ key: 'p/3', value: 'p/3', revision: 3 }], revision: 4 });
    });
  });

  describe('writes', () => {
    it('resolve only after the replica has applied them (read-your-writes)', async () => {
      const replica = await open();

      await replica.put('a', 1);
      const patched = await replica.patch('a', 2);
      const deleted = await replica.delete('a');

      expect(patched.revision).toBe(2);
      expect(deleted).toEqual({ revision: 3, deleted: true });
      expect(replica.revision).toBe(3);
      expect(replica.get('a')).toBeUndefined();
    });

    it('see their own write at once, also when the store delivers asynchronously', async () => {
      const replica = await open();

      await replica.put('a', 'mine');

      // No await between the write and the read: the value must already be here.
      expect(replica.get('a')?.value).toBe('mine');
    });

    it('fail with CONTEXT_REPLICA_TIMEOUT, naming the option, when the revision never arrives', async () => {
      const replica = await open('ctx', { applyTimeoutMs: 50 });

      await expect(replica.waitForRevision(99)).rejects.toMatchObject({
        reason: ContextStoreErrorCode.ReplicaTimeout, message: expect.stringContaining('applyTimeoutMs'),
      });
    });
  });

  describe('onChange', () => {
    it('reports each applied change, and a reset to empty when the context expires', async () => {
      const replica = await open();
      const seen: ContextChange[] = [];
      replica.onChange((change) => seen.push(change));

      await replica.put('a', 1, { ttlSeconds: 0.2 });
      await new Promise((resolve) => setTimeout(resolve, 400));

      expect(seen.map((c) => c.type)).toEqual(['put', 'reset']);
      expect(replica.list()).toEqual({ entries: [], revision: 0 });
    });
  });

  describe('close', () => {
    it('rejects writes and waits afterwards', async () => {
      const replica = await open();
      await replica.close();

      await expect(replica.put('a', 1)).rejects.toMatchObject({ reason: ContextStoreErrorCode.Closed });
      await expect(replica.waitForRevision(1)).rejects.toMatchObject({ reason: ContextStoreErrorCode.Closed });
    });
  });
});
