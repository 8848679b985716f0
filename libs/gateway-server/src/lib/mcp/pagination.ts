/** One page of a sorted list, with an opaque cursor to the next. */
export function page<T>(items: readonly T[], cursor: string | undefined, size: number): { items: T[]; nextCursor?: string } {
  const start = cursor === undefined ? 0 : decodeCursor(cursor, items.length);
  const next = start + size;
  return { items: items.slice(start, next), ...(next < items.length ? { nextCursor: encodeCursor(next) } : {}) };
}

/** Cursors are opaque to clients; an offset is enough while the list is sorted and stable. */
function encodeCursor(offset: number): string {
  return Buffer.from(`o:${offset}`).toString('base64url');
}

function decodeCursor(cursor: string, total: number): number {
  const match = /^o:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  const offset = match ? Number(match[1]) : NaN;
  if (!Number.isSafeInteger(offset) || offset < 0 || offset > total) return total; // stale or foreign cursor: empty page
  return offset;
}
