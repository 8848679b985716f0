import { auditLogContract } from '../test-support/audit-log.contract';
import { MemoryAuditLog } from './memory-audit-log';

auditLogContract('MemoryAuditLog', async () => new MemoryAuditLog());

describe('MemoryAuditLog retention', () => {
  it('keeps only the newest maxRecords', async () => {
    const log = new MemoryAuditLog(3);
    for (let i = 0; i < 5; i++) {
      await log.append({ time: new Date().toISOString(), requestId: `r${i}`, subject: 's', capability: 'c', argumentsHash: 'h', outcome: 'ok', durationMs: 1 });
    }
    expect((await log.query({})).map((r) => r.requestId)).toEqual(['r4', 'r3', 'r2']);
  });
});
