import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, pollUntil } from '@pimcp/testing';

const MAIN = join(__dirname, '../../../dist/apps/gateway/main.js');

/** The built gateway as its own OS process, so a test can watch its memory and see whether it survives. */
export class GatewayProcess {
  private readonly exited: Promise<void>;
  private output = '';

  private constructor(private readonly child: ChildProcess, readonly mcpUrl: string) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    // Keep the tail only: a long fuzz run must not grow the test's own memory.
    const keep = (d: Buffer) => (this.output = (this.output + d.toString()).slice(-20_000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  static async start(env: Record<string, string>): Promise<GatewayProcess> {
    const port = await freePort();
    const child = spawn(process.execPath, [MAIN], {
      env: { PATH: process.env['PATH'] ?? '', PIMCP_GATEWAY_PORT: String(port), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const gateway = new GatewayProcess(child, `http://127.0.0.1:${port}/mcp`);
    try {
      // Generous: on a loaded CI machine Node alone can take tens of seconds to start.
      await pollUntil(() => gateway.isLive(), { timeoutMs: 120_000, intervalMs: 200, description: 'the gateway to serve HTTP' });
    } catch (err) {
      await gateway.stop();
      throw new Error(`${(err as Error).message}; output: ${gateway.output}`);
    }
    return gateway;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get log(): string {
    return this.output;
  }

  /** Resident set size of the gateway process, from /proc (Linux). */
  rssBytes(): number {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.child.pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : NaN;
  }

  async stop(): Promise<void> {
    if (this.alive) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }

  private async isLive(): Promise<boolean> {
    if (this.child.exitCode !== null) throw new Error(`the gateway exited: ${this.output}`);
    try {
      return (await fetch(`${new URL(this.mcpUrl).origin}/health/live`)).ok;
    } catch {
      return false;
    }
  }
}
