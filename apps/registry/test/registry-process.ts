import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort, pollUntil } from '@pimcp/testing';

const MAIN = join(__dirname, '../../../dist/apps/registry/main.js');

/** One registry replica as its own OS process, so a test can SIGKILL it like a crashed pod. */
export class RegistryProcess {
  private exited: Promise<void>;
  private output = '';

  private constructor(private readonly child: ChildProcess, readonly httpUrl: string, readonly replicaId: string) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
  }

  static async start(replicaId: string, env: Record<string, string>): Promise<RegistryProcess> {
    const [httpPort, linkPort] = [await freePort(), await freePort()];
    const child = spawn(process.execPath, [MAIN], {
      env: {
        PATH: process.env['PATH'] ?? '',
        PIMCP_REGISTRY_HTTP_PORT: String(httpPort),
        PIMCP_REGISTRY_LINK_PORT: String(linkPort),
        PIMCP_REGISTRY_REPLICA_ID: replicaId,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const replica = new RegistryProcess(child, `http://127.0.0.1:${httpPort}`, replicaId);
    await pollUntil(() => replica.isLive(), { timeoutMs: 20_000, intervalMs: 100, description: `registry ${replicaId} to serve HTTP; output: ${replica.output}` });
    return replica;
  }

  async leaderStatus(): Promise<{ isLeader: boolean; leader: string | null } | undefined> {
    try {
      const res = await fetch(`${this.httpUrl}/v1/leader`);
      return res.ok ? ((await res.json()) as { isLeader: boolean; leader: string | null }) : undefined;
    } catch {
      return undefined;
    }
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    await this.exited;
  }

  private async isLive(): Promise<boolean> {
    if (this.child.exitCode !== null) throw new Error(`registry ${this.replicaId} exited: ${this.output}`);
    try {
      return (await fetch(`${this.httpUrl}/health/live`)).ok;
    } catch {
      return false;
    }
  }
}
