import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { type AuditRecord, JsonlFileAuditLog } from '@pimcp/audit';
import { registerAuditCommand } from './audit.command';

describe('pimcp audit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pimcp-audit-cli-'));
  const file = join(dir, 'audit.jsonl');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const now = Date.now();
  const rec = (i: number, overrides: Partial<AuditRecord>): AuditRecord => ({
    time: new Date(now - (10 - i) * 60_000).toISOString(), requestId: `r${i}`, subject: 'alice', capability: 'file.read', nodeId: 'pi-1',
    argumentsHash: 'f'.repeat(64), outcome: 'ok', durationMs: 12, ...overrides,
  });

  beforeAll(async () => {
    const log = new JsonlFileAuditLog(file);
    await log.append(rec(1, { subject: 'bob', capability: 'shell.run', outcome: 'refused', errorCode: 'INVOCATION_UNAUTHORIZED' }));
    await log.append(rec(8, {}));
    await log.append(rec(9, { capability: 'shell.exec' }));
    await log.close();
  });

  async function run(...args: string[]): Promise<string> {
    let text = '';
    const program = new Command('pimcp').exitOverride();
    registerAuditCommand(program, (t) => (text += t));
    await program.parseAsync(['node', 'pimcp', 'audit', '--file', file, ...args]);
    return text;
  }

  it('prints a table newest first, with the refusal code', async () => {
    const lines = (await run()).trim().split('\n');
    expect(lines[0]).toMatch(/^TIME\s+OUTCOME\s+SUBJECT\s+CLIENT\s+TOOL\s+NODE\s+MS\s+REQUEST$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/).pop())).toEqual(['r9', 'r8', 'r1']);
    expect(lines[3]).toContain('refused (INVOCATION_UNAUTHORIZED)');
  });

  it('filters by --since, --subject and --tool (with a * prefix) and prints JSON lines with --json', async () => {
    expect((await run('--since', '5m', '--json')).trim().split('\n').map((l) => JSON.parse(l).requestId)).toEqual(['r9', 'r8']);
    expect((await run('--subject', 'bob', '--json')).trim().split('\n').map((l) => JSON.parse(l).requestId)).toEqual(['r1']);
    expect((await run('--tool', 'shell.*', '--json')).trim().split('\n').map((l) => JSON.parse(l).requestId)).toEqual(['r9', 'r1']);
    expect(await run('--subject', 'carol')).toBe('no audit records match\n');
  });

  it('names the flag to fix for bad input', async () => {
    await expect(run('--since', 'yesterday')).rejects.toThrow('--since takes a duration');
    await expect(run('--outcome', 'great')).rejects.toThrow('--outcome takes');
  });
});
