/**
 * The ZRANGE BYLEX bounds of one page: keys that start with `prefix`, after the cursor key. Buffers, because the
 * upper bound ends in byte 0xFF, which no UTF-8 text contains, so `(prefix + 0xFF` is above every key with the prefix.
 */
import { compareKeys } from '../shared/key-order';

export function pageRange(prefix: string, after: string | undefined): { min: Buffer | string; max: Buffer | string } {
  const min = after !== undefined && compareKeys(after, prefix) >= 0 ? bound('(', after)
    : prefix ? bound('[', prefix) : '-';
  const max = prefix ? Buffer.concat([bound('(', prefix), Buffer.from([0xff])]) : '+';
  return { min, max };
}

function bound(kind: '(' | '[', key: string): Buffer {
  return Buffer.from(kind + key, 'utf8');
}
