import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { pollUntil } from '@pimcp/testing';

export const DIST = join(__dirname, '../../../dist/apps');

/** A built PiMCP app run as its own OS process, with its output kept for assertions and failures. */
export class SpawnedProcess {
  output = '';
  readonly exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcess) {
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static start(app: string, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): SpawnedProcess {
    return new SpawnedProcess(spawn(process.execPath, [join(DIST, app, 'main.js'), ...args], {
      cwd: options.cwd,
      env: { PATH: process.env['PATH'] ?? '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }));
  }

  /** Waits for a line of output and returns the regex's first group. Generous: on a loaded machine a start can take 20 s. */
  async waitFor(pattern: RegExp, timeoutMs = 45_000): Promise<string> {
    return pollUntil(() => pattern.exec(this.output)?.[1], { timeoutMs, intervalMs: 50, description: `${pattern} in output:\n${this.output}` });
  }

  kill(signal: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }

  async stop(): Promise<void> {
    this.kill('SIGKILL');
    await this.exited;
  }
}
