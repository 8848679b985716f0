import { randomBytes } from 'node:crypto';

/** Last millisecond handed out by this process: ids stay strictly increasing even within one millisecond. */
let lastMs = 0;

/**
 * A key id for one batch of pinning events: sorts by time (per process strictly, across replicas to the
 * millisecond); the random part keeps replicas writing in the same millisecond apart.
 */
export function pinEventId(now: Date): string {
  lastMs = Math.max(now.getTime(), lastMs + 1);
  return `${String(lastMs).padStart(15, '0')}-${randomBytes(4).toString('hex')}`;
}
