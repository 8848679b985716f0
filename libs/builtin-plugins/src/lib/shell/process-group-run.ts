import { type ChildProcess, spawn } from 'node:child_process';
import { ToolError } from '@pimcp/plugin-sdk';
import { OutputCapture } from './output-capture';

export interface ProcessGroupRunOptions {
  file: string;
  args: readonly string[];
  cwd: string;
  env: Readonly<Record<string, string>>;
  stdin?: string;
  timeoutMs: number;
  maxOutputBytes: number;
  killOutputBytes: number;
  signal: AbortSignal;
  onOutput(stream: 'stdout' | 'stderr', chunk: Buffer): void;
}

/** Why the process group was killed before it finished on its own. */
export type KillReason = 'timeout' | 'output' | 'abort';

export interface ProcessOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: OutputCapture;
  stderr: OutputCapture;
  killed: KillReason | undefined;
  durationMs: number;
}

// Once the program has exited and its group is killed, the pipes close at once; this bounds the wait for
// a descendant that left the group (setsid) and still holds them.
const PIPE_DRAIN_MS = 1000;

/**
 * Runs one program, never through a shell, as the leader of a new process group, and kills the whole
 * group (so grandchildren too) on timeout, on too much output, on abort, and right after the program
 * exits (so nothing it started in the background outlives the call).
 */
export function runProcessGroup(options: ProcessGroupRunOptions): Promise<ProcessOutcome> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const stdout = new OutputCapture(options.maxOutputBytes);
    const stderr = new OutputCapture(options.maxOutputBytes);
    let child: ChildProcess;
    try {
      child = spawn(options.file, [...options.args], {
        cwd: options.cwd,
        env: { ...options.env },
        shell: false,
        detached: true, // setsid(): the child leads a new process group we can kill as a whole
        stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        windowsHide: true,
      });
    } catch (err) {
      reject(new ToolError(`${options.file} could not be started: ${(err as Error).message}`));
      return;
    }
    let killed: KillReason | undefined;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let settled = false;
    let drainTimer: NodeJS.Timeout | undefined;

    // After the leader is reaped its pid may be reused once the group is empty, so the group is killed
    // once more right at exit and never after.
    let groupKilledAtExit = false;
    const killGroup = () => {
      if (child.pid === undefined || groupKilledAtExit) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // ESRCH: the group is already empty.
      }
    };
    const kill = (reason: KillReason) => {
      killed ??= reason;
      killGroup();
    };
    const onAbort = () => kill('abort');
    const timer = setTimeout(() => kill('timeout'), options.timeoutMs);
    options.signal.addEventListener('abort', onAbort, { once: true });

    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(drainTimer);
      options.signal.removeEventListener('abort', onAbort);
      if (err) {
        reject(err);
        return;
      }
      resolve({
        exitCode: exit?.code ?? null, signal: exit?.signal ?? null, stdout, stderr, killed,
        durationMs: Math.round(performance.now() - started),
      });
    };

    const collect = (stream: 'stdout' | 'stderr', capture: OutputCapture) => (chunk: Buffer) => {
      capture.push(chunk);
      options.onOutput(stream, chunk);
      if (stdout.total + stderr.total > options.killOutputBytes) kill('output');
    };
    child.stdout?.on('data', collect('stdout', stdout));
    child.stderr?.on('data', collect('stderr', stderr));
    child.on('error', (err: NodeJS.ErrnoException) => {
      // Only spawn failures end the run here; a failed kill of a finished process is not one.
      if (child.pid === undefined) finish(new ToolError(`${options.file} could not be started (${err.code ?? err.message})`));
    });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      killGroup();
      groupKilledAtExit = true;
      drainTimer = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        finish();
      }, PIPE_DRAIN_MS);
    });
    child.on('close', () => finish());

    if (child.stdin) {
      child.stdin.on('error', () => undefined); // EPIPE: the program did not read all of its input
      child.stdin.end(options.stdin);
    }
    if (options.signal.aborted) onAbort();
  });
}
