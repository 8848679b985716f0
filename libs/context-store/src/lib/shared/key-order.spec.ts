import { compareKeys } from './key-order';

describe(compareKeys.name, () => {
  it('sorts like UTF-8 bytes, also where UTF-16 code units disagree', () => {
    const keys = ['b', '\u{1F600}', 'a/b', '\uFF21', 'a', 'é', 'a/'];

    const sorted = [...keys].sort(compareKeys);

    const byBytes = [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect(sorted).toEqual(byBytes);
    expect(sorted).toEqual(['a', 'a/', 'a/b', 'b', 'é', '\uFF21', '\u{1F600}']);
  });
});
