import { spawn } from 'node:child_process';
import { join } from 'node:path';

const SCRIPT = join(__dirname, '../../../tools/scripts/conformance/run-conformance.mjs');

describe('MCP conformance suite against the gateway (e2e)', () => {
  it('passes every scenario except those listed, with reasons, in expected-failures.yml', async () => {
    let output = '';
    const run = spawn(process.execPath, [SCRIPT], { stdio: ['ignore', 'pipe', 'pipe'] });
    run.stdout.on('data', (d: Buffer) => (output += d.toString()));
    run.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => run.once('exit', resolve));
    if (code !== 0) throw new Error(`conformance run failed (exit ${code}):\n${output}`);
    expect(output).toContain('Baseline check passed');
    expect(output).toMatch(/tools-call-with-progress: 1 passed, 0 failed/);
    expect(output).toMatch(/dns-rebinding-protection: 2 passed, 0 failed/);
  });
});
