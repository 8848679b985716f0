import { decodeStreamEntry } from './stream-entry.codec';

describe(decodeStreamEntry.name, () => {
  it('reads a put with its revision from the entry id', () => {
    expect(decodeStreamEntry('c', '42-0', ['e', 'ep', 't', 'put', 'k', 'notes', 'v', '{"a":[1]}'])).toEqual({
      epoch: 'ep',
      change: { type: 'put', contextId: 'c', key: 'notes', value: { a: [1] }, revision: 42 },
    });
  });

  it('reads a delete', () => {
    expect(decodeStreamEntry('c', '7-0', ['e', 'ep', 't', 'del', 'k', 'notes'])).toEqual({
      epoch: 'ep',
      change: { type: 'delete', contextId: 'c', key: 'notes', revision: 7 },
    });
  });
});
