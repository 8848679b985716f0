import type { LegacySessionRecord, SessionStore } from '../port/session-store.port';

interface Entry {
  record: LegacySessionRecord;
  expiresAt: number;
}

/** Sessions in this process only: the single-machine default. Expired entries are dropped on access. */
export class InMemorySessionStore implements SessionStore {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  async put(record: LegacySessionRecord, ttlSeconds: number): Promise<void> {
    this.sweep();
    this.entries.set(record.sessionId, { record: structuredClone(record), expiresAt: this.now() + ttlSeconds * 1000 });
  }

  async get(sessionId: string): Promise<LegacySessionRecord | undefined> {
    const entry = this.live(sessionId);
    return entry ? structuredClone(entry.record) : undefined;
  }

  async touch(sessionId: string, ttlSeconds: number): Promise<boolean> {
    const entry = this.live(sessionId);
    if (!entry) return false;
    entry.expiresAt = this.now() + ttlSeconds * 1000;
    return true;
  }

  async delete(sessionId: string): Promise<void> {
    this.entries.delete(sessionId);
  }

  async close(): Promise<void> {
    this.entries.clear();
  }

  private live(sessionId: string): Entry | undefined {
    const entry = this.entries.get(sessionId);
    if (entry && entry.expiresAt <= this.now()) {
      this.entries.delete(sessionId);
      return undefined;
    }
    return entry;
  }

  /** Bounded memory: abandoned sessions are removed whenever a new one is stored. */
  private sweep(): void {
    const now = this.now();
    for (const [id, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(id);
  }
}
