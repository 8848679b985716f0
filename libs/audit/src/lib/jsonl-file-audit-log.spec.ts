import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditLogContract } from '../test-support/audit-log.contract';
import { JsonlFileAuditLog } from './jsonl-file-audit-log';

const dir = mkdtempSync(join(tmpdir(), 'pimcp-audit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

auditLogContract('JsonlFileAuditLog', async () => new JsonlFileAuditLog(join(dir, `audit-${++n}.jsonl`)));

describe('JsonlFileAuditLog file', () => {
  it('appends one JSON line per record to a 0600 file, keeps earlier lines, and skips a torn last line', async () => {
    const path = join(dir, 'sub', 'audit.jsonl');
    const log = new JsonlFileAuditLog(path);
    const base = { subject: 's', capability: 'c', argumentsHash: 'h', outcome: 'ok' as const, durationMs: 1 };
    await Promise.all([1, 2, 3].map((i) => log.append({ ...base, time: new Date().toISOString(), requestId: `r${i}` })));
    expect(readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l).requestId)).toEqual(['r1', 'r2', 'r3']);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await log.close();
    appendFileSync(path, '{"time":"2026-');
    const reopened = new JsonlFileAuditLog(path);
    expect((await reopened.query({})).map((r) => r.requestId)).toEqual(['r3', 'r2', 'r1']);
    await reopened.close();
  });
});
