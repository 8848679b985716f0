import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { pollUntil } from '@pimcp/testing';

const MAIN = join(__dirname, '../../../dist/apps/edge-node/main.js');

/** The built edge node as its own OS process, so a test can SIGTERM or SIGKILL it like a real board. */
export class EdgeNodeProcess {
  output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(private readonly child: ChildProcess) {
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  static spawn(env: Record<string, string>): EdgeNodeProcess {
    return new EdgeNodeProcess(spawn(process.execPath, [MAIN], { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  /** Starts a node and waits until it has joined; resolves with the link address it advertised. */
  static async start(env: Record<string, string>): Promise<{ node: EdgeNodeProcess; linkAddress: string }> {
    const node = EdgeNodeProcess.spawn(env);
    const linkAddress = await pollUntil(() => {
      if (node.child.exitCode !== null) throw new Error(`edge node exited: ${node.output}`);
      return /ready: link (tcp:\/\/\S+?),/.exec(node.output)?.[1];
    }, { timeoutMs: 20_000, intervalMs: 50, description: `the edge node to join; output:\n${node.output}` });
    return { node, linkAddress };
  }

  signal(signal: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }

  async stop(): Promise<void> {
    this.signal('SIGKILL');
    await this.exited;
  }
}
