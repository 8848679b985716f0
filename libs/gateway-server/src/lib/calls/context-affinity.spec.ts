import { ContextAffinity } from './context-affinity';

describe(ContextAffinity.name, () => {
  it('remembers the node that last ran a call in each context, forgetting the least recently used past its bound', () => {
    const affinity = new ContextAffinity(2);
    affinity.record('a', 'pi-1');
    affinity.record('b', 'pi-2');
    affinity.record('a', 'pi-3'); // a is now the most recent, on pi-3
    affinity.record('c', 'pi-4');
    expect(affinity.nodeFor('a')).toBe('pi-3');
    expect(affinity.nodeFor('b')).toBeUndefined();
    expect(affinity.nodeFor('c')).toBe('pi-4');
    expect(affinity.size).toBe(2);
  });
});
