/**
 * Write clocks order writes for last-writer-wins (offline replays, docs/adr/0011). As strings they compare in
 * order: 15-digit wall milliseconds, 6-digit counter, node id — `000001764072000123.000004.pi-kitchen-1`.
 * The Redis write script builds the same shape from Redis time for writers that give none.
 */
export const WRITE_CLOCK_PATTERN = /^\d{15}\.\d{6}\.[\x21-\x7e]{1,64}$/;

export function formatWriteClock(wallMs: number, counter: number, nodeId: string): string {
  return `${String(wallMs).padStart(15, '0')}.${String(counter).padStart(6, '0')}.${nodeId}`;
}

/** The clock a store gives a write that came without one. */
export function storeClock(origin: string): string {
  return formatWriteClock(Date.now(), 0, origin);
}
