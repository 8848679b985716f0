/** What the context-sync leader does to the stored contexts (docs/adr/0009, "housekeeping"). */
export interface SweepOptions {
  /**
   * Changes to keep in each context's history after a sweep (exact). Writes keep about `limits.historyLength`;
   * the sweep compacts further, since the snapshot already holds everything older. A watcher further behind gets
   * a `trimmed` reset with the whole state, never a gap.
   */
  retainChanges: number;
}

export interface SweepReport {
  /** Contexts looked at. */
  contexts: number;
  /** History entries removed by compaction. */
  trimmedEntries: number;
  /** Keys of contexts whose head record is gone (partial expiry): deleted. */
  orphanKeysRemoved: number;
  /** Contexts whose parts had drifted to different TTLs: realigned on the head record's. */
  ttlRepaired: number;
  durationMs: number;
}

export interface ContextStats {
  contexts: number;
  /** Keys across every context. */
  keys: number;
  /** History entries kept for watchers, across every context. */
  historyEntries: number;
  /** Key plus value bytes across every context (the measure of the size limits). */
  bytes: number;
  /** Contexts with a TTL. */
  expiring: number;
}

export interface ContextMaintenance {
  sweep(options: SweepOptions): Promise<SweepReport>;
  stats(): Promise<ContextStats>;
  close(): Promise<void>;
}
