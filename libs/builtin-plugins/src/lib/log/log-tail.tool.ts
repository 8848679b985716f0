import { defineTool, textResult, ToolError, type ToolDefinition } from '@pimcp/plugin-sdk';
import { clip } from '../common/utf8-boundary';
import { followLog } from './follow-log';
import { LineFilter } from './line-filter';
import type { LogTailConfig } from './log-tail.config';
import { openLog } from './log-lines';
import { readLastLines } from './read-last-lines';

interface LogTailArgs extends Record<string, unknown> {
  log: string;
  lines?: number;
  contains?: string;
  regex?: string;
  ignoreCase?: boolean;
  followMs?: number;
}

const PROGRESS_CHARS = 2000;
// A follow ends this long before the call's deadline, so the answer still gets back in time.
const DEADLINE_MARGIN_MS = 1000;

/**
 * Returns the last lines of a log the node operator named, optionally filtered, and optionally keeps
 * following it for a while, streaming new lines as progress. Callers pick a log by name; paths are
 * never accepted, so the tool reads exactly the files in the config.
 */
export function logTailTool(config: LogTailConfig): ToolDefinition {
  const names = [...config.logs.keys()];
  return defineTool<LogTailArgs>({
    name: 'log.tail',
    description: `Read the last lines of a log on this node, optionally filtered by a substring and/or a JavaScript regular expression, ` +
      `and optionally follow it for up to ${config.maxFollowMs} ms (new lines arrive as progress messages). Logs: ${clip(names.join(', '), 2000)}.`,
    inputSchema: {
      type: 'object',
      properties: {
        log: { type: 'string', minLength: 1, maxLength: 256, description: `Name of the log (not a path): ${clip(names.join(', '), 1000)}.` },
        lines: { type: 'integer', minimum: 1, maximum: config.maxLines, default: Math.min(50, config.maxLines) },
        contains: { type: 'string', minLength: 1, maxLength: 200, description: 'Only lines containing this text.' },
        regex: { type: 'string', minLength: 1, maxLength: 200, description: `Only lines matching this regular expression (lines are cut at ${config.maxLineChars} characters).` },
        ignoreCase: { type: 'boolean', default: false },
        followMs: { type: 'integer', minimum: 0, maximum: config.maxFollowMs, default: 0, description: 'Keep reading new lines for this long.' },
      },
      required: ['log'],
      additionalProperties: false,
    },
    outputSchema: {
      type: 'object',
      properties: {
        log: { type: 'string' },
        lines: { type: 'array', items: { type: 'string' }, description: 'The last lines that passed the filter, oldest first.' },
        followedLines: { type: 'array', items: { type: 'string' }, description: `Lines that arrived while following (the latest ${config.maxLines}).` },
        followedCount: { type: 'integer' },
        scannedBytes: { type: 'integer' },
        truncated: { type: 'boolean', description: 'The scan limit was reached before enough lines passed the filter.' },
      },
      required: ['log', 'lines', 'followedLines', 'followedCount', 'scannedBytes', 'truncated'],
    },
    annotations: { title: 'Tail a log', readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    version: '1.0.0',
    costClass: 'light',
    handler: async (args, ctx) => {
      const path = pathOf(config, args.log);
      const want = Math.min(args.lines ?? 50, config.maxLines);
      const followMs = Math.max(0, Math.min(args.followMs ?? 0, config.maxFollowMs, ctx.deadline - Date.now() - DEADLINE_MARGIN_MS));
      const filter = LineFilter.create({ contains: args.contains, regex: args.regex, ignoreCase: args.ignoreCase, regexBudgetMs: config.regexBudgetMs });
      try {
        const opened = await openLog(args.log, path);
        let last;
        try {
          last = await readLastLines(opened.handle, opened.size, { want, maxScanBytes: config.maxScanBytes, maxLineChars: config.maxLineChars, filter, signal: ctx.signal });
        } finally {
          await opened.handle.close();
        }
        const followed: string[] = [];
        let followedCount = 0;
        if (followMs > 0) {
          await followLog({
            name: args.log, path, ino: opened.ino, position: opened.size, durationMs: followMs, pollIntervalMs: config.pollIntervalMs,
            maxLineChars: config.maxLineChars, filter, signal: ctx.signal,
            onLines: (lines) => {
              followedCount += lines.length;
              followed.push(...lines);
              if (followed.length > config.maxLines) followed.splice(0, followed.length - config.maxLines);
              ctx.progress(followedCount, undefined, clip(lines.join('\n'), PROGRESS_CHARS));
            },
          });
        }
        const text = [...last.lines, ...(followMs > 0 ? [`[followed ${followMs} ms: ${followedCount} new lines]`, ...followed] : [])].join('\n');
        const empty = filter.active ? `no lines of "${args.log}" pass the filter` : `"${args.log}" is empty`;
        return textResult(text || empty, { log: args.log, lines: last.lines, followedLines: followed, followedCount, scannedBytes: last.scannedBytes, truncated: last.truncated });
      } finally {
        await filter.close();
      }
    },
  });
}

function pathOf(config: LogTailConfig, name: string): string {
  const known = [...config.logs.keys()].join(', ');
  if (/[/\\]/.test(name) || name.startsWith('.') || name.startsWith('~')) {
    throw new ToolError(`log.tail takes the name of a configured log, not a path; logs on this node: ${known}`);
  }
  const path = config.logs.get(name);
  if (path === undefined) throw new ToolError(`no log named "${clip(name, 100)}" on this node; logs: ${known}`);
  return path;
}
