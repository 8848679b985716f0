import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';

/** A PostgreSQL server for tests: PGlite behind pglite-socket in a child process, on 127.0.0.1. */
export class PgliteProcess {
  private constructor(private readonly child: ChildProcess, readonly host: string, readonly port: number) {}

  static async start(setupSql = ''): Promise<PgliteProcess> {
    const child = spawn(process.execPath, [join(__dirname, 'pglite-server.cjs'), setupSql], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    const address = await new Promise<string>((resolve, reject) => {
      // PGlite runs initdb in WASM at start: seconds on an idle machine, minutes on a loaded CI runner.
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`PGlite did not start within 240 s: ${output}`));
      }, 240_000);
      child.stdout?.on('data', (d: Buffer) => {
        output += d.toString();
        const match = /listening (\S+)/.exec(output);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`PGlite exited with ${code}: ${output}`));
      });
    });
    const [host, port] = address.split(':');
    return new PgliteProcess(child, host ?? '127.0.0.1', Number(port));
  }

  /** One query on a fresh connection (to check what a test changed). */
  async query<T>(sql: string): Promise<T[]> {
    const client = new Client({ host: this.host, port: this.port, user: 'postgres', database: 'postgres' });
    await client.connect();
    try {
      return (await client.query(sql)).rows as T[];
    } finally {
      await client.end();
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}
