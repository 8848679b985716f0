import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, resolve, sep } from 'node:path';
import { defineTool, ToolError, type ToolDefinition, type ToolResult } from '@pimcp/plugin-sdk';
import { clip } from '../common/utf8-boundary';
import { OutputProgress } from './output-progress';
import { runProcessGroup, type ProcessOutcome } from './process-group-run';
import type { ShellExecutable, ShellRunConfig } from './shell-run.config';

interface ShellRunArgs extends Record<string, unknown> {
  argv: string[];
  cwd?: string;
  stdin?: string;
  timeoutMs?: number;
}

const ARG_MAX_CHARS = 4096;
const MIN_TIMEOUT_MS = 100;

/**
 * Runs one allowlisted program with an argv array: no shell ever parses it, so `;`, `$(...)`, quotes
 * and newlines reach the program as plain characters. Every argument must match one of the program's
 * anchored patterns, the working directory must resolve inside the configured root, the environment is
 * only what the config gives, and the whole process group is killed on timeout, abort or flooding output.
 */
export function shellRunTool(config: ShellRunConfig): ToolDefinition {
  const maxArgs = Math.max(0, ...config.executables.map((e) => e.maxArgs));
  return defineTool<ShellRunArgs>({
    name: 'shell.run',
    description: describeTool(config),
    inputSchema: {
      type: 'object',
      properties: {
        argv: {
          type: 'array', minItems: 1, maxItems: maxArgs + 1, items: { type: 'string', maxLength: ARG_MAX_CHARS },
          description: 'Program then its arguments, one item each; no shell syntax is interpreted.',
        },
        cwd: { type: 'string', minLength: 1, maxLength: 4096, default: '.', description: 'Directory to run in, relative to the working directory.' },
        ...(config.maxStdinBytes > 0 ? { stdin: { type: 'string', maxLength: config.maxStdinBytes, description: 'Text written to the program\'s standard input.' } } : {}),
        timeoutMs: { type: 'integer', minimum: MIN_TIMEOUT_MS, maximum: config.timeoutMs, description: `At most ${config.timeoutMs} ms (the default).` },
      },
      required: ['argv'],
      additionalProperties: false,
    },
    outputSchema: {
      type: 'object',
      properties: {
        exitCode: { type: ['integer', 'null'] },
        signal: { type: ['string', 'null'] },
        stdout: { type: 'string' },
        stderr: { type: 'string' },
        truncated: { type: 'boolean', description: 'Output beyond the cap was dropped; stdoutBytes/stderrBytes say how much there was.' },
        timedOut: { type: 'boolean' },
        durationMs: { type: 'integer' },
        stdoutBytes: { type: 'integer' },
        stderrBytes: { type: 'integer' },
      },
      required: ['exitCode', 'signal', 'stdout', 'stderr', 'truncated', 'durationMs'],
    },
    annotations: { title: 'Run an allowed program', readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    version: '1.0.0',
    costClass: 'standard',
    handler: async (args, ctx) => {
      const executable = await selectExecutable(config, args.argv[0] ?? '');
      const programArgs = args.argv.slice(1);
      checkArguments(executable, programArgs);
      const cwd = await resolveCwd(config.workingDirectory, args.cwd ?? '.');
      if (args.stdin !== undefined && Buffer.byteLength(args.stdin) > config.maxStdinBytes) {
        throw new ToolError(`stdin is larger than ${config.maxStdinBytes} bytes; send less`);
      }
      const timeoutMs = Math.max(MIN_TIMEOUT_MS, Math.min(args.timeoutMs ?? config.timeoutMs, config.timeoutMs, ctx.deadline - Date.now()));
      const progress = new OutputProgress(ctx);
      let outcome: ProcessOutcome;
      try {
        outcome = await runProcessGroup({
          file: executable.realPath, args: programArgs, cwd, env: config.env, stdin: args.stdin, timeoutMs,
          maxOutputBytes: config.maxOutputBytes, killOutputBytes: config.killOutputBytes, signal: ctx.signal,
          onOutput: (stream, chunk) => progress.add(stream, chunk),
        });
      } finally {
        progress.close();
      }
      if (outcome.killed === 'abort') throw ctx.signal.reason;
      return toResult(outcome, timeoutMs, config.killOutputBytes);
    },
  });
}

async function selectExecutable(config: ShellRunConfig, program: string): Promise<ShellExecutable> {
  const allowed = config.executables.map((e) => e.path).join(', ');
  if (program.includes('\0')) throw new ToolError('argv[0] contains a NUL byte');
  let chosen: ShellExecutable | undefined;
  if (isAbsolute(program)) {
    const real = await realpath(program).catch((err: NodeJS.ErrnoException) => {
      throw new ToolError(`"${clip(program, 200)}" cannot be run (${err.code}); allowed programs: ${allowed}`);
    });
    // The real file decides, so a symlink named like an allowed program but pointing elsewhere is refused.
    chosen = config.executables.find((e) => e.realPath === real);
    if (!chosen) {
      const via = real === program ? '' : ` (it resolves to ${real})`;
      throw new ToolError(`"${clip(program, 200)}" is not an allowed program${via}; allowed programs: ${allowed}. The node operator adds programs under shell.run executables.`);
    }
  } else if (!program.includes('/')) {
    const named = config.executables.filter((e) => e.name === program);
    if (named.length > 1) throw new ToolError(`"${program}" names several allowed programs (${named.map((e) => e.path).join(', ')}); give the full path`);
    chosen = named[0];
    if (!chosen) throw new ToolError(`"${clip(program, 200)}" is not an allowed program; allowed programs: ${allowed}. The node operator adds programs under shell.run executables.`);
  } else {
    throw new ToolError(`"${clip(program, 200)}" is a relative path; give an allowed program's absolute path or bare name (${allowed})`);
  }
  // The file could have been replaced by a link elsewhere since the node loaded its config.
  const now = await realpath(chosen.path).catch(() => undefined);
  if (now !== chosen.realPath) throw new ToolError(`${chosen.path} no longer resolves to ${chosen.realPath} as it did when the node started; refusing to run it until the node is restarted`);
  return chosen;
}

function checkArguments(executable: ShellExecutable, args: string[]): void {
  if (args.length > 0 && executable.argPatterns.length === 0) {
    throw new ToolError(`${executable.path} takes no arguments on this node; run it with argv ["${executable.path}"]`);
  }
  if (args.length > executable.maxArgs) {
    throw new ToolError(`${executable.path} takes at most ${executable.maxArgs} arguments on this node; ${args.length} were given`);
  }
  args.forEach((arg, i) => {
    if (arg.includes('\0')) throw new ToolError(`argument ${i + 1} contains a NUL byte`);
    if (!executable.argPatterns.some((pattern) => pattern.test(arg))) {
      const patterns = executable.argPatterns.map((p) => p.source).join(' or ');
      throw new ToolError(`argument ${i + 1} (${JSON.stringify(clip(arg, 100))}) is not allowed for ${executable.path}: each argument must match ${patterns}`);
    }
  });
}

async function resolveCwd(root: string, cwd: string): Promise<string> {
  if (cwd.includes('\0')) throw new ToolError('cwd contains a NUL byte');
  const lexical = resolve(root, cwd);
  const inside = (path: string) => path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
  if (!inside(lexical)) throw new ToolError(`cwd "${clip(cwd, 200)}" is outside the working directory ${root}; give a path inside it`);
  const real = await realpath(lexical).catch((err: NodeJS.ErrnoException) => {
    throw new ToolError(`cwd "${clip(cwd, 200)}" cannot be used (${err.code})`);
  });
  if (!inside(real)) throw new ToolError(`cwd "${clip(cwd, 200)}" resolves (through a symlink) outside the working directory ${root}`);
  if (!(await stat(real)).isDirectory()) throw new ToolError(`cwd "${clip(cwd, 200)}" is not a directory`);
  return real;
}

function toResult(outcome: ProcessOutcome, timeoutMs: number, killOutputBytes: number): ToolResult {
  const { stdout, stderr } = outcome;
  const structured = {
    exitCode: outcome.exitCode, signal: outcome.signal, stdout: stdout.text(), stderr: stderr.text(),
    truncated: stdout.truncated || stderr.truncated, timedOut: outcome.killed === 'timeout',
    durationMs: outcome.durationMs, stdoutBytes: stdout.total, stderrBytes: stderr.total,
  };
  const status = outcome.killed === 'timeout'
    ? `killed after ${timeoutMs} ms: the program did not finish within its timeout (ask for a larger timeoutMs, up to the node's limit, or do less per call)`
    : outcome.killed === 'output'
      ? `killed: the program wrote more than ${killOutputBytes} bytes of output; ask for less output`
      : outcome.exitCode !== null ? `exit code ${outcome.exitCode} in ${outcome.durationMs} ms` : `ended by signal ${outcome.signal} in ${outcome.durationMs} ms`;
  const cut = structured.truncated ? `\n(output cut: stdout ${stdout.total} bytes, stderr ${stderr.total} bytes, only the first bytes of each are shown)` : '';
  const text = [structured.stdout, structured.stderr && `[stderr]\n${structured.stderr}`, `${status}${cut}`].filter(Boolean).join('\n');
  return { content: [{ type: 'text', text }], structuredContent: structured, ...(outcome.killed ? { isError: true } : {}) };
}

function describeTool(config: ShellRunConfig): string {
  const programs = config.executables.slice(0, 40).map((e) => (e.argPatterns.length ? e.path : `${e.path} (no arguments)`));
  const more = config.executables.length > 40 ? `, and ${config.executables.length - 40} more` : '';
  return `Run one allowed program on this node with an argv array, e.g. {"argv": ["${config.executables[0]?.path ?? '/usr/bin/uptime'}"]}. ` +
    'No shell is involved: pipes, redirections, $(...), ; and quotes are passed to the program literally. ' +
    `Allowed programs: ${programs.join(', ')}${more}. Each argument must match the node's pattern for that program. ` +
    `Runs in ${config.workingDirectory} (or a directory below it, see cwd) with a minimal environment; ` +
    `output over ${config.maxOutputBytes} bytes per stream is cut; the default timeout is ${config.timeoutMs} ms.`;
}
