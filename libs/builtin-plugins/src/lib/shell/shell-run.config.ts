import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { basename, isAbsolute, normalize } from 'node:path';
import {
  ArrayMaxSize, IsArray, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min,
} from 'class-validator';
import { ConfigProblems, isEmptyConfig } from '../common/config-problems';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MIB = 1024 * 1024;

export const SHELL_RUN_DEFAULTS = {
  timeoutMs: 10_000,
  maxOutputBytes: 64 * 1024,
  maxStdinBytes: 0,
  maxArgs: 32,
  // Nothing from the node's own environment: only these, unless `env` replaces them.
  env: { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8' },
} as const;

class ExecutableRuleDto {
  @IsOptional() @IsArray() @ArrayMaxSize(64) @IsString({ each: true }) @MaxLength(1000, { each: true })
  args?: string[];

  @IsOptional() @IsInt() @Min(0) @Max(256)
  maxArgs?: number;
}

class ShellRunConfigDto {
  @IsOptional() @IsObject({ message: 'executables must map absolute paths to their argument rules' })
  executables?: Record<string, unknown>;

  @IsOptional() @IsString() @IsNotEmpty()
  workingDirectory?: string;

  @IsOptional() @IsObject({ message: 'env must map variable names to values' })
  env?: Record<string, unknown>;

  @IsOptional() @IsArray() @ArrayMaxSize(64) @IsString({ each: true })
  @Matches(ENV_NAME, { each: true, message: 'passEnv entries must be environment variable names' })
  passEnv?: string[];

  @IsOptional() @IsInt() @Min(100) @Max(3_600_000)
  timeoutMs?: number;

  @IsOptional() @IsInt() @Min(1024) @Max(64 * MIB)
  maxOutputBytes?: number;

  @IsOptional() @IsInt() @Min(1024) @Max(1024 * MIB)
  killOutputBytes?: number;

  @IsOptional() @IsInt() @Min(0) @Max(16 * MIB)
  maxStdinBytes?: number;
}

/** One program callers may run. */
export interface ShellExecutable {
  /** The path as configured; callers name it by this path, its real path, or its file name. */
  readonly path: string;
  /** Resolved at load; this file is what runs, and it is re-resolved before every run. */
  readonly realPath: string;
  readonly name: string;
  /** Anchored; every argument must match one. None: the program takes no arguments. */
  readonly argPatterns: readonly RegExp[];
  readonly maxArgs: number;
}

export interface ShellRunConfig {
  readonly executables: readonly ShellExecutable[];
  /** Real path of the directory commands run in (or below). */
  readonly workingDirectory: string;
  /** The whole environment of every command. */
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** Per stream; more is dropped and the result says so. */
  readonly maxOutputBytes: number;
  /** Both streams together; beyond this the command is killed. */
  readonly killOutputBytes: number;
  /** 0: the tool takes no stdin. */
  readonly maxStdinBytes: number;
}

/**
 * Validates the `shell.run` section of a node's config and resolves what it names (executables,
 * working directory) once, at load. Throws INVALID_REQUEST listing every problem with its field path.
 * An absent or empty section allows nothing: the plugin then offers no tool.
 */
export function parseShellRunConfig(raw: unknown, at = ''): ShellRunConfig {
  const problems = new ConfigProblems('shell.run', at);
  if (isEmptyConfig(raw)) return emptyConfig();
  const dto = problems.dto(ShellRunConfigDto, raw, '');
  if (!dto) problems.throwIfAny();
  const config = dto as ShellRunConfigDto;
  const maxOutputBytes = config.maxOutputBytes ?? SHELL_RUN_DEFAULTS.maxOutputBytes;
  const killOutputBytes = config.killOutputBytes ?? Math.max(16 * maxOutputBytes, 8 * MIB);
  if (killOutputBytes < 2 * maxOutputBytes) {
    problems.add('killOutputBytes', 'killOutputBytes must be at least twice maxOutputBytes (it is the hard stop beyond the cap)');
  }
  const executables = parseExecutables(problems, config.executables);
  const workingDirectory = parseWorkingDirectory(problems, config.workingDirectory, executables.length > 0);
  const env = parseEnv(problems, config.env, config.passEnv);
  problems.throwIfAny();
  return {
    executables,
    workingDirectory: workingDirectory ?? '',
    env,
    timeoutMs: config.timeoutMs ?? SHELL_RUN_DEFAULTS.timeoutMs,
    maxOutputBytes,
    killOutputBytes,
    maxStdinBytes: config.maxStdinBytes ?? SHELL_RUN_DEFAULTS.maxStdinBytes,
  };
}

function parseExecutables(problems: ConfigProblems, raw: Record<string, unknown> | undefined): ShellExecutable[] {
  const executables: ShellExecutable[] = [];
  const byRealPath = new Map<string, string>();
  for (const [path, value, at] of problems.entries(raw, 'executables')) {
    // `/usr/bin/uptime:` with nothing after it is YAML null: the program, no arguments.
    const rule = value === null ? new ExecutableRuleDto() : problems.dto(ExecutableRuleDto, value, at);
    const realPath = resolveExecutable(problems, path, at);
    const argPatterns = (Array.isArray(rule?.args) ? rule.args : []).flatMap((source, i) => {
      const pattern = anchored(source);
      if (pattern instanceof RegExp) return [pattern];
      problems.add(`${at}.args[${i}]`, `is not a valid regular expression: ${pattern}`);
      return [];
    });
    if (!realPath || !rule) continue;
    const twin = byRealPath.get(realPath);
    if (twin !== undefined) {
      problems.add(at, `resolves to the same file as ${twin} (${realPath}); keep one entry`);
      continue;
    }
    byRealPath.set(realPath, at);
    executables.push({ path, realPath, name: basename(path), argPatterns, maxArgs: rule.maxArgs ?? SHELL_RUN_DEFAULTS.maxArgs });
  }
  return executables;
}

function resolveExecutable(problems: ConfigProblems, path: string, at: string): string | undefined {
  if (!isAbsolute(path) || normalize(path) !== path) {
    problems.add(at, 'executables are given by absolute, normalised paths (e.g. /usr/bin/uptime), never by name');
    return undefined;
  }
  try {
    const real = realpathSync(path);
    if (!statSync(real).isFile()) {
      problems.add(at, `${real} is not a regular file`);
      return undefined;
    }
    accessSync(real, constants.X_OK);
    return real;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    problems.add(at, code === 'ENOENT' ? 'does not exist on this node' : code === 'EACCES' ? 'is not executable' : `cannot be resolved (${code})`);
    return undefined;
  }
}

function parseWorkingDirectory(problems: ConfigProblems, raw: string | undefined, required: boolean): string | undefined {
  if (raw === undefined || typeof raw !== 'string') {
    if (required) problems.add('workingDirectory', 'is required when executables are allowed: commands run in this directory or below it');
    return undefined;
  }
  if (!isAbsolute(raw)) {
    problems.add('workingDirectory', 'must be an absolute path');
    return undefined;
  }
  try {
    const real = realpathSync(raw);
    if (statSync(real).isDirectory()) return real;
    problems.add('workingDirectory', `${raw} is not a directory`);
  } catch (err) {
    problems.add('workingDirectory', `${raw} cannot be used (${(err as NodeJS.ErrnoException).code})`);
  }
  return undefined;
}

function parseEnv(problems: ConfigProblems, raw: Record<string, unknown> | undefined, passEnv: string[] | undefined): Record<string, string> {
  const env: Record<string, string> = raw === undefined ? { ...SHELL_RUN_DEFAULTS.env } : {};
  for (const [name, value, at] of problems.entries(raw, 'env')) {
    if (!ENV_NAME.test(name)) problems.add(at, 'is not an environment variable name');
    else if (typeof value !== 'string' && typeof value !== 'number') problems.add(at, 'must be a string');
    else if (String(value).includes('\0')) problems.add(at, 'must not contain a NUL byte');
    else env[name] = String(value);
  }
  // Copied once, at load: a call sees what the node started with, never the node's later state.
  for (const name of Array.isArray(passEnv) ? passEnv : []) {
    const value = process.env[name];
    if (typeof name === 'string' && value !== undefined) env[name] = value;
  }
  return env;
}

/** The caller's whole argument must match: `^(?:pattern)$`. Returns the compile error's message otherwise. */
function anchored(source: string): RegExp | string {
  if (typeof source !== 'string') return 'not a string';
  try {
    return new RegExp(`^(?:${source})$`);
  } catch (err) {
    return (err as Error).message;
  }
}

function emptyConfig(): ShellRunConfig {
  return {
    executables: [], workingDirectory: '', env: {}, timeoutMs: SHELL_RUN_DEFAULTS.timeoutMs,
    maxOutputBytes: SHELL_RUN_DEFAULTS.maxOutputBytes, killOutputBytes: 8 * MIB, maxStdinBytes: 0,
  };
}
