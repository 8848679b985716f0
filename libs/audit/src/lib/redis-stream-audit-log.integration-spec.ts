import { RedisProcess } from '@pimcp/testing';
import Redis from 'ioredis';
import { auditLogContract } from '../test-support/audit-log.contract';
import { RedisStreamAuditLog } from './redis-stream-audit-log';

let redis: RedisProcess;
beforeAll(async () => {
  redis = await RedisProcess.start();
}, 30_000);
afterAll(() => redis?.stop());
let n = 0;

auditLogContract('RedisStreamAuditLog (real redis-server)', async () => new RedisStreamAuditLog({ url: redis.url, maxRecords: 1000, stream: `audit-${++n}` }));

describe('RedisStreamAuditLog retention', () => {
  it('trims the stream with MAXLEN ~ so it stays near maxRecords', async () => {
    const log = new RedisStreamAuditLog({ url: redis.url, maxRecords: 100, stream: 'audit-trim' });
    for (let i = 0; i < 1000; i++) {
      await log.append({ time: new Date().toISOString(), requestId: `r${i}`, subject: 's', capability: 'c', argumentsHash: 'h', outcome: 'ok', durationMs: 1 });
    }
    const raw = new Redis(redis.url);
    const length = await raw.xlen('audit-trim');
    raw.disconnect();
    expect(length).toBeGreaterThanOrEqual(100);
    expect(length).toBeLessThan(300);
    expect((await log.query({ limit: 1 }))[0]?.requestId).toBe('r999');
    await log.close();
  }, 30_000);
});
