import { ContextStoreErrorCode, ContextStoreException } from '../errors/context-store.exception';

/** A page cursor is the last key of the page, opaque to callers so the encoding can change. */
export const listCursor = {
  encode: (lastKey: string): string => Buffer.from(lastKey, 'utf8').toString('base64url'),
  decode: (cursor: string | undefined): string | undefined => {
    if (cursor === undefined) return undefined;
    const key = typeof cursor === 'string' ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
    if (key.length === 0 || listCursor.encode(key) !== cursor) {
      throw new ContextStoreException(ContextStoreErrorCode.InvalidOption,
        'cursor is not one this store returned; pass the `cursor` of the previous page unchanged');
    }
    return key;
  },
} as const;
