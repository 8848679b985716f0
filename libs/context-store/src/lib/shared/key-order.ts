/**
 * Orders keys by code point, which is the UTF-8 byte order Redis uses for ZRANGE BYLEX, so both adapters list
 * in the same order. JavaScript's `<` compares UTF-16 code units, which differs for characters above U+FFFF.
 */
export function compareKeys(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return rank(x) - rank(y);
  }
  return a.length - b.length;
}

// Surrogates (U+D800-U+DFFF, which encode code points above U+FFFF) move above U+E000-U+FFFF.
function rank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}
