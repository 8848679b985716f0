import { isAbsolute, normalize } from 'node:path';
import { IsInt, IsObject, IsOptional, Max, Min } from 'class-validator';
import { ConfigProblems, isEmptyConfig } from '../common/config-problems';

const MIB = 1024 * 1024;
export const LOG_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export const LOG_TAIL_DEFAULTS = {
  maxLines: 500,
  maxFollowMs: 60_000,
  maxScanBytes: 16 * MIB,
  maxLineChars: 2000,
  regexBudgetMs: 500,
  pollIntervalMs: 250,
} as const;

class LogTailConfigDto {
  @IsOptional() @IsObject({ message: 'logs must map log names to absolute file paths' })
  logs?: Record<string, unknown>;

  @IsOptional() @IsInt() @Min(1) @Max(10_000)
  maxLines?: number;

  @IsOptional() @IsInt() @Min(0) @Max(600_000)
  maxFollowMs?: number;

  @IsOptional() @IsInt() @Min(64 * 1024) @Max(1024 * MIB)
  maxScanBytes?: number;

  @IsOptional() @IsInt() @Min(80) @Max(65_536)
  maxLineChars?: number;

  @IsOptional() @IsInt() @Min(10) @Max(10_000)
  regexBudgetMs?: number;

  @IsOptional() @IsInt() @Min(20) @Max(5000)
  pollIntervalMs?: number;
}

export interface LogTailConfig {
  /** Log name (what callers give) to file path (what they never see or choose). */
  readonly logs: ReadonlyMap<string, string>;
  readonly maxLines: number;
  /** 0 turns following off. */
  readonly maxFollowMs: number;
  /** Most bytes read backwards from the end to find the last lines that pass the filter. */
  readonly maxScanBytes: number;
  /** Longer lines are cut before matching and returning: bounds what one regex match sees. */
  readonly maxLineChars: number;
  /** Longest one batch of lines may take in the caller's regex before the call fails. */
  readonly regexBudgetMs: number;
  readonly pollIntervalMs: number;
}

/**
 * Validates the `log.tail` section of a node's config. Throws INVALID_REQUEST listing every problem with
 * its field path. An absent or empty section names no log: the plugin then offers no tool. Files need
 * not exist at load (logs come and go with rotation); a call on a missing file is a tool error.
 */
export function parseLogTailConfig(raw: unknown, at = ''): LogTailConfig {
  const problems = new ConfigProblems('log.tail', at);
  const config = (isEmptyConfig(raw) ? new LogTailConfigDto() : problems.dto(LogTailConfigDto, raw, '')) ?? new LogTailConfigDto();
  const logs = new Map<string, string>();
  for (const [name, path, field] of problems.entries(config.logs, 'logs')) {
    if (!LOG_NAME_PATTERN.test(name)) problems.add(field, 'log names are letters, digits, ".", "_" and "-" (at most 64), e.g. app or syslog');
    else if (typeof path !== 'string' || !isAbsolute(path) || normalize(path) !== path) problems.add(field, 'must be the absolute, normalised path of a log file');
    else logs.set(name, path);
  }
  problems.throwIfAny();
  return {
    logs,
    maxLines: config.maxLines ?? LOG_TAIL_DEFAULTS.maxLines,
    maxFollowMs: config.maxFollowMs ?? LOG_TAIL_DEFAULTS.maxFollowMs,
    maxScanBytes: config.maxScanBytes ?? LOG_TAIL_DEFAULTS.maxScanBytes,
    maxLineChars: config.maxLineChars ?? LOG_TAIL_DEFAULTS.maxLineChars,
    regexBudgetMs: config.regexBudgetMs ?? LOG_TAIL_DEFAULTS.regexBudgetMs,
    pollIntervalMs: config.pollIntervalMs ?? LOG_TAIL_DEFAULTS.pollIntervalMs,
  };
}
