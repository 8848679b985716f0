import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { pollUntil } from '@pimcp/testing';
import { DIST } from './spawned-process';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The built `pimcp` run as a user would, in a folder, with a clean environment plus `env`. */
export class CliProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(args: string[], options: { cwd: string; env?: Record<string, string> }) {
    this.child = spawn(process.execPath, [join(DIST, 'cli', 'main.js'), ...args], {
      cwd: options.cwd,
      env: { PATH: process.env['PATH'] ?? '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (d: Buffer) => (this.stdout += d.toString()));
    this.child.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  async waitForStderr(pattern: RegExp, timeoutMs = 20_000): Promise<void> {
    await pollUntil(() => pattern.test(this.stderr) || undefined, { timeoutMs, intervalMs: 50, description: `${pattern} on stderr:\n${this.stderr}` });
  }

  async waitForStdout(pattern: RegExp, timeoutMs = 20_000): Promise<void> {
    await pollUntil(() => pattern.test(this.stdout) || undefined, { timeoutMs, intervalMs: 50, description: `${pattern} on stdout:\n${this.stdout}\n${this.stderr}` });
  }

  /** Resolves with the outcome; kills the process if it runs past timeoutMs. */
  async result(timeoutMs = 30_000): Promise<CliRun> {
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const code = await this.exited;
    clearTimeout(timer);
    return { code, stdout: this.stdout, stderr: this.stderr };
  }

  kill(signal: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }
}

export function runCli(args: string[], options: { cwd: string; env?: Record<string, string> }, timeoutMs?: number): Promise<CliRun> {
  return new CliProcess(args, options).result(timeoutMs);
}
