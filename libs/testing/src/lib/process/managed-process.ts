import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { HarnessErrorCode, HarnessException } from '../errors/harness.exception';
import { pollUntil } from '../util/poll-until.util';
import { ChildProcessRegistry } from './child-process-registry';

export interface ManagedProcessSpec {
  /** Names the server in error messages, e.g. 'etcd member m1'. */
  label: string;
  binary: string;
  args: string[];
  /** stdout and stderr are appended here, across restarts. */
  logPath: string;
  env?: NodeJS.ProcessEnv;
}

export const STARTUP_TIMEOUT_MS = 15_000;
const GRACEFUL_STOP_MS = 5_000;
const SETPRIV = '/usr/bin/setpriv';
const PORT_IN_USE = /address already in use/i;

/** One server child process: spawn with a log file, wait until ready, signal, await exit. */
export class ManagedProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private spawnError: Error | undefined;

  constructor(private readonly spec: ManagedProcessSpec) {}

  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  get running(): boolean {
    const child = this.child;
    return !!child && child.exitCode === null && child.signalCode === null && !this.spawnError;
  }

  /** Spawns the server and resolves once `probe` reports it ready; kills it and throws otherwise. */
  async start(probe: () => Promise<boolean>): Promise<void> {
    this.spawn();
    try {
      const outcome = await pollUntil(async () => (this.running ? (await probe()) && 'ready' : 'exited'), {
        timeoutMs: STARTUP_TIMEOUT_MS,
        intervalMs: 100,
        description: `${this.spec.label} to become healthy`,
      });
      if (outcome === 'exited') throw this.startupError(HarnessErrorCode.ProcessExited);
    } catch (error) {
      await this.kill('SIGKILL');
      if (error instanceof HarnessException && error.code !== HarnessErrorCode.PollTimeout) throw error;
      throw this.startupError(HarnessErrorCode.StartupTimeout, error);
    }
  }

  /** Sends `signal` and waits for the exit; escalates to SIGKILL if a graceful stop hangs. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return this.exited;
    // Referenced while someone awaits the exit, so Node stays alive to see it.
    child.ref();
    child.kill(signal);
    const escalation = setTimeout(() => child.kill('SIGKILL'), GRACEFUL_STOP_MS);
    await this.exited;
    clearTimeout(escalation);
  }

  logTail(lines = 20): string {
    if (!existsSync(this.spec.logPath)) return '(no log written)';
    return readFileSync(this.spec.logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  }

  private spawn(): void {
    const { binary, args, logPath, env } = this.spec;
    const log = openSync(logPath, 'a');
    this.spawnError = undefined;
    try {
      // setpriv execs the server in place, so the pid is the server's own.
      const [command, argv] = existsSync(SETPRIV)
        ? [SETPRIV, ['--pdeathsig', 'KILL', '--', binary, ...args]]
        : [binary, args];
      const child = spawn(command, argv, { stdio: ['ignore', log, log], env: env ?? process.env });
      this.child = child;
      this.exited = new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.on('error', (error) => {
          this.spawnError = error;
          resolve();
        });
      });
      ChildProcessRegistry.shared.track(child);
      // A server a test forgot to stop must not keep Jest alive; the
      // registry and pdeathsig still kill it when the test process ends.
      child.unref();
    } finally {
      closeSync(log);
    }
  }

  private startupError(code: HarnessErrorCode, cause?: unknown): HarnessException {
    const tail = this.logTail();
    const finalCode = PORT_IN_USE.test(tail) ? HarnessErrorCode.PortInUse : code;
    const what =
      code === HarnessErrorCode.StartupTimeout
        ? `did not become healthy within ${STARTUP_TIMEOUT_MS} ms`
        : 'exited before it became healthy';
    const details = [
      this.spawnError && `spawn failed: ${this.spawnError.message}`,
      cause instanceof Error && cause.message,
      this.child && `exit code ${this.child.exitCode}, signal ${this.child.signalCode}`,
    ].filter(Boolean);
    return new HarnessException(
      finalCode,
      `${this.spec.label} ${what} (${details.join('; ')}). Last lines of ${this.spec.logPath}:\n${tail}`,
      { cause },
    );
  }
}
