/// <reference types="jest" />
import type { LegacySessionRecord, SessionStore } from '../port/session-store.port';

const record = (sessionId: string): LegacySessionRecord => ({
  sessionId,
  subject: 'alice',
  createdAt: new Date(0).toISOString(),
  initParams: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'test', version: '1' } },
});

/** The behaviour every SessionStore adapter must have; run against in-memory and Redis. */
export function describeSessionStoreContract(name: string, factory: () => Promise<{ store: SessionStore; cleanup(): Promise<void> }>): void {
  describe(`SessionStore contract: ${name}`, () => {
    let store: SessionStore;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ store, cleanup } = await factory());
    });

    afterEach(async () => {
      await cleanup();
    });

    it('returns what was put', async () => {
      await store.put(record('s1'), 60);
      expect(await store.get('s1')).toEqual(record('s1'));
    });

    it('returns undefined for an unknown session', async () => {
      expect(await store.get('nope')).toBeUndefined();
      expect(await store.touch('nope', 60)).toBe(false);
    });

    it('forgets a deleted session', async () => {
      await store.put(record('s2'), 60);
      await store.delete('s2');
      expect(await store.get('s2')).toBeUndefined();
    });

    it('expires a session after its TTL unless touched', async () => {
      await store.put(record('short'), 1);
      await store.put(record('kept'), 1);
      await new Promise((r) => setTimeout(r, 600));
      expect(await store.touch('kept', 2)).toBe(true);
      await new Promise((r) => setTimeout(r, 700));
      expect(await store.get('short')).toBeUndefined();
      expect(await store.get('kept')).toEqual(record('kept'));
    });
  });
}
