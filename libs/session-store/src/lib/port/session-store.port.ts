/** What a gateway replica needs to serve a legacy (2025-era) MCP session that another replica created. */
export interface LegacySessionRecord {
  sessionId: string;
  /** The client's `initialize` params, replayed to rebuild the session on another replica. */
  initParams: Record<string, unknown>;
  /** The authenticated subject that opened the session; no one else may use it. */
  subject: string;
  createdAt: string;
}

/**
 * Shared legacy-session state. Adapters: in-memory (one process) and Redis (replicas).
 * Records expire `ttlSeconds` after the last put or touch.
 */
export interface SessionStore {
  put(record: LegacySessionRecord, ttlSeconds: number): Promise<void>;
  get(sessionId: string): Promise<LegacySessionRecord | undefined>;
  /** Extends the TTL; false when the session is gone. */
  touch(sessionId: string, ttlSeconds: number): Promise<boolean>;
  delete(sessionId: string): Promise<void>;
  close(): Promise<void>;
}
