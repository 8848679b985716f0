import { looksBinary, withoutPartialCharacter } from './binary-detect';

describe(looksBinary.name, () => {
  it('calls a sample with a NUL byte binary, and UTF-8 text not', () => {
    expect(looksBinary(Buffer.from([0x89, 0x50, 0x00]))).toBe(true);
    expect(looksBinary(Buffer.from('héllo wörld ✓', 'utf8'))).toBe(false);
  });
});

describe(withoutPartialCharacter.name, () => {
  const text = Buffer.from('a✓b😀', 'utf8'); // 1 + 3 + 1 + 4 bytes

  it('keeps whole characters and drops a cut one at the end', () => {
    expect(withoutPartialCharacter(text).toString()).toBe('a✓b😀');
    expect(withoutPartialCharacter(text.subarray(0, 3)).toString()).toBe('a');
    expect(withoutPartialCharacter(text.subarray(0, 4)).toString()).toBe('a✓');
    expect(withoutPartialCharacter(text.subarray(0, 8)).toString()).toBe('a✓b');
    expect(withoutPartialCharacter(Buffer.alloc(0)).length).toBe(0);
  });
});
