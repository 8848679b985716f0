import { InMemoryContextStore } from '@pimcp/context-store';
import { NodeContexts } from './node-contexts';

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
});
