import { spawn } from 'node:child_process';
import { ToolError } from '@pimcp/plugin-sdk';
import { SQLITE_CHILD_SOURCE } from './sqlite-child.source';
import type { SqliteJob, SqliteReply } from './sqlite-job';

const NODE_FLAGS = ['--disable-warning=ExperimentalWarning', '--max-old-space-size=128'];
const STDERR_CHARS = 2000;

/**
 * Runs one SQLite job in a fresh child process and SIGKILLs it when `timeoutMs` passes or `signal`
 * aborts: the only way to stop a runaway query (a worker thread cannot be terminated while SQLite runs
 * native code). The child gets an empty environment, so no NODE_OPTIONS or secrets reach it.
 */
export function runSqliteJob(job: SqliteJob, timeoutMs: number, signal: AbortSignal): Promise<SqliteReply> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const child = spawn(process.execPath, [...NODE_FLAGS, '-e', SQLITE_CHILD_SOURCE], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced', env: {}, windowsHide: true,
    });
    let reply: SqliteReply | undefined;
    let stopped: 'timeout' | 'abort' | undefined;
    let stderr = '';
    const stop = (why: 'timeout' | 'abort') => {
      stopped ??= why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => stop('timeout'), timeoutMs);
    const onAbort = () => stop('abort');
    signal.addEventListener('abort', onAbort, { once: true });
    child.stderr?.on('data', (chunk: Buffer) => {
      if (stderr.length < STDERR_CHARS) stderr += chunk.toString('utf8');
    });
    child.on('message', (message: SqliteReply) => (reply = message));
    child.on('error', (err) => {
      if (child.pid === undefined) {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        reject(new ToolError(`the SQLite process could not start: ${err.message}`));
      }
    });
    child.on('exit', (code, exitSignal) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      if (stopped === 'abort') reject(signal.reason);
      else if (stopped === 'timeout' && !reply) reject(new ToolError(`the query ran longer than ${timeoutMs} ms and was stopped; add a LIMIT, narrow the WHERE clause, or query an indexed column`));
      else if (reply) resolve(reply);
      else reject(new Error(`the SQLite process ended (${code ?? exitSignal}) without an answer: ${stderr.trim().slice(0, STDERR_CHARS)}`));
    });
    child.send(job, (err) => {
      if (err) child.kill('SIGKILL'); // ends in 'exit' without an answer
    });
  });
}
