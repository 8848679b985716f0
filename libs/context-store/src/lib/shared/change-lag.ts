/**
 * How long after its commit a consumer saw a change, in seconds: the consumer's clock minus the store's stamp
 * (`writtenAt`, Redis's TIME). Clocks of different hosts differ by their NTP error, so a small negative result
 * is clamped to 0; undefined when the change carries no stamp (history written by an older version).
 */
export function changeLagSeconds(writtenAt: number | undefined, now: number = Date.now()): number | undefined {
  if (writtenAt === undefined) return undefined;
  return Math.max(0, now - writtenAt) / 1000;
}
