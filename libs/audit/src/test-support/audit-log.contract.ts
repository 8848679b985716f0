import type { AuditLog } from '../lib/audit-log.port';
import type { AuditRecord } from '../lib/audit-record';

/** An hour ago: records are written when calls end, so their times trail the store's own clock. */
const T0 = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;

function record(i: number, overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    time: new Date(T0 + i * 1000).toISOString(), requestId: `req-${i}`, subject: i % 2 === 0 ? 'alice' : 'bob', clientId: 'desktop',
    capability: i % 3 === 0 ? 'shell.run' : 'file.read', nodeId: 'pi-1', argumentsHash: 'a'.repeat(64), outcome: i % 4 === 0 ? 'failed' : 'ok', durationMs: i, ...overrides,
  };
}

/** One suite every AuditLog adapter passes: append-only, newest first, each filter, limits. */
export function auditLogContract(name: string, open: () => Promise<AuditLog>): void {
  describe(`${name} (AuditLog contract)`, () => {
    let log: AuditLog;
    beforeEach(async () => {
      log = await open();
      for (let i = 0; i < 12; i++) await log.append(record(i));
    });
    afterEach(() => log.close());

    it('returns records newest first, as written', async () => {
      const all = await log.query({ limit: 100 });
      expect(all.map((r) => r.requestId)).toEqual(Array.from({ length: 12 }, (_, i) => `req-${11 - i}`));
      expect(all[0]).toEqual(record(11));
    });

    it('filters by time range, subject, capability (exact or prefix*) and outcome, and honours limit', async () => {
      expect((await log.query({ since: T0 + 3000, until: T0 + 6000 })).map((r) => r.requestId)).toEqual(['req-5', 'req-4', 'req-3']);
      expect((await log.query({ subject: 'bob' })).every((r) => r.subject === 'bob')).toBe(true);
      expect((await log.query({ subject: 'bob' })).length).toBe(6);
      expect((await log.query({ capability: 'shell.run' })).map((r) => r.requestId)).toEqual(['req-9', 'req-6', 'req-3', 'req-0']);
      expect((await log.query({ capability: 'shell.*' })).length).toBe(4);
      expect((await log.query({ outcome: 'failed' })).map((r) => r.requestId)).toEqual(['req-8', 'req-4', 'req-0']);
      expect((await log.query({ limit: 2 })).map((r) => r.requestId)).toEqual(['req-11', 'req-10']);
      expect(await log.query({ subject: 'carol' })).toEqual([]);
    });

    it('keeps argument values only when the record carries them', async () => {
      await log.append(record(20, { arguments: { path: 'a.txt' } }));
      const [newest, before] = await log.query({ limit: 2 });
      expect(newest?.arguments).toEqual({ path: 'a.txt' });
      expect(before && 'arguments' in before).toBe(false);
    });

    it('refuses a limit outside 1..10000 with a message naming it', async () => {
      await expect(log.query({ limit: 0 })).rejects.toThrow('limit');
    });
  });
}
