import { diffContext, formatChange } from './context-diff';

describe('diffContext', () => {
  it('reports keys written since, in write order, then deleted keys', () => {
    const before = [{ key: 'a', value: 1, revision: 1 }, { key: 'b', value: 2, revision: 2 }, { key: 'c', value: 3, revision: 3 }];
    const after = [{ key: 'a', value: 10, revision: 6 }, { key: 'b', value: 2, revision: 2 }, { key: 'd', value: 'new', revision: 5 }];
    expect(diffContext(before, after)).toEqual([
      { key: 'd', revision: 5, value: 'new' },
      { key: 'a', revision: 6, value: 10 },
      { key: 'c', deleted: true },
    ]);
  });

  it('reports nothing when nothing changed', () => {
    const entries = [{ key: 'a', value: 1, revision: 1 }];
    expect(diffContext(entries, [...entries])).toEqual([]);
  });
});

describe('formatChange', () => {
  it('prints one line per change', () => {
    expect(formatChange('demo', { key: 'plan', value: { step: 3 }, revision: 4 })).toBe('demo/plan = {"step":3} (revision 4)');
    expect(formatChange('demo', { key: 'plan', deleted: true })).toBe('demo/plan deleted');
  });
});
