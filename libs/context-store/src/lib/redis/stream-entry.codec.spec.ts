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

  it('reads the commit time when the entry has one, and leaves it out when it has none or a garbled one', () => {
    expect(decodeStreamEntry('c', '8-0', ['e', 'ep', 't', 'put', 'k', 'n', 'v', '1', 'w', '1764866400123']).change.writtenAt).toBe(1764866400123);
    expect(decodeStreamEntry('c', '9-0', ['e', 'ep', 't', 'del', 'k', 'n', 'w', '1764866400124']).change.writtenAt).toBe(1764866400124);
    expect(decodeStreamEntry('c', '9-0', ['e', 'ep', 't', 'del', 'k', 'n', 'w', 'soon']).change).not.toHaveProperty('writtenAt');
  });
});
