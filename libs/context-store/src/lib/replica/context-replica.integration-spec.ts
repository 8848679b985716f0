import { randomUUID } from 'node:crypto';
import { pollUntil, RedisProcess } from '@pimcp/testing';
import { RedisContextStore } from '../redis/redis-context-store.adapter';
import { ContextReplica } from './context-replica';

describe(`${ContextReplica.name} over Redis`, () => {
  let redis: RedisProcess;
  let nodeA: RedisContextStore;
  let nodeB: RedisContextStore;
  let ctx: string;
  const replicas: ContextReplica[] = [];

  beforeAll(async () => {
    redis = await RedisProcess.start();
  });

  afterAll(async () => {
    await redis?.stop();
  });

  beforeEach(() => {
    // Two store instances, as on two nodes: separate connections to the same Redis.
    const keyPrefix = `test:${randomUUID()}:`;
    nodeA = new RedisContextStore({ url: redis.url, keyPrefix, watchBlockMs: 200 });
    nodeB = new RedisContextStore({ url: redis.url, keyPrefix, watchBlockMs: 200 });
    ctx = `ctx-${randomUUID()}`;
  });

  afterEach(async () => {
    await Promise.all(replicas.splice(0).map((replica) => replica.close()));
    await Promise.all([nodeA.close(), nodeB.close()]);
  });

  const open = async (store: RedisContextStore) => {
    const replica = await ContextReplica.open(store, ctx);
    replicas.push(replica);
    return replica;
  };

  it('lets node B read, from its own replica, what node A wrote through its replica', async () => {
    const [a, b] = [await open(nodeA), await open(nodeB)];

    const { revision } = await a.put('plan', { steps: ['fetch', 'summarise'] });
    expect(a.get('plan')?.value).toEqual({ steps: ['fetch', 'summarise'] });

    await b.waitForRevision(revision, 5000);
    expect(b.get('plan')).toEqual({ value: { steps: ['fetch', 'summarise'] }, revision });
  });

  it('gives each writer read-your-writes while both write, and ends with the same state on both', async () => {
    const [a, b] = [await open(nodeA), await open(nodeB)];

    for (let i = 0; i < 20; i++) {
      await a.patch('shared', { [`a${i}`]: i });
      expect((a.get('shared')?.value as Record<string, number>)[`a${i}`]).toBe(i);
      await b.patch('shared', { [`b${i}`]: i });
      expect((b.get('shared')?.value as Record<string, number>)[`b${i}`]).toBe(i);
    }

    await pollUntil(() => a.revision === 40 && b.revision === 40, { timeoutMs: 5000, description: 'both replicas at 40' });
    expect(a.list()).toEqual(b.list());
    expect(Object.keys(a.get('shared')?.value as object)).toHaveLength(40);
  });

  it('loads what was written before it opened', async () => {
    await nodeA.put(ctx, 'a', 1);
    await nodeA.put(ctx, 'b', 2);

    const b = await open(nodeB);

    expect(b.list().entries.map((e) => [e.key, e.value])).toEqual([['a', 1], ['b', 2]]);
  });
});
