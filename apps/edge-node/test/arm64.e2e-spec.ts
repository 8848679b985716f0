import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

// The README's arm64 command itself, so the command people run is the one CI proves. It needs dist/apps/cli too
// (for `pimcp up`) and builds it when absent; it installs qemu-user and the arm64 Node when missing (root with apt).
const SCRIPT = join(__dirname, '../../../tools/scripts/arm64/run-edge-node-arm64.mjs');
// Install on a fresh machine (apt, 50 MB from the npm registry) plus an emulated join that is slow under load;
// a warm run takes 15-30 s.
const TIMEOUT_MS = 240_000;

interface Arm64Outcome {
  ok: boolean;
  problems: string[];
  nodeId?: string;
  arch?: string;
  platform?: string;
  catalogArch?: string;
  exitOnSigterm?: number | null;
}

describe('edge node on arm64 (e2e: dist/apps/edge-node/main.js on an arm64 Node, under qemu-user on x64, behind pimcp up)', () => {
  let run: ChildProcess | undefined;

  afterAll(() => {
    // The script stops its own children on SIGTERM.
    if (run && run.exitCode === null && run.signalCode === null) run.kill('SIGTERM');
  });

  it('joins the registry as pi-arm64, answers pi-arm64.system.info through the gateway with arch arm64, and exits 0 on SIGTERM', async () => {
    let output = '';
    run = spawn(process.execPath, [SCRIPT, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    run.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    run.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => run?.once('exit', resolve));
    const lastLine = output.trimEnd().split('\n').pop() ?? '';
    if (code !== 0 || !lastLine.startsWith('{')) throw new Error(`arm64 run failed (exit ${code}):\n${output}`);
    const outcome = JSON.parse(lastLine) as Arm64Outcome;
    expect(outcome).toMatchObject({ ok: true, problems: [], nodeId: 'pi-arm64', arch: 'arm64', platform: 'linux', catalogArch: 'arm64', exitOnSigterm: 0 });
  }, TIMEOUT_MS);
});
