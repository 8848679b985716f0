import { open, opendir } from 'node:fs/promises';
import { join } from 'node:path';
import { minimatch } from 'minimatch';
import { defineTool, textResult, ToolError, type ToolDefinition } from '@pimcp/plugin-sdk';
import { looksBinary } from './binary-detect';
import type { PathJail } from './path-jail';

export interface FileSearchLimits {
  maxResults: number;
  maxFilesScanned: number;
  maxDepth: number;
  /** Files larger than this are matched by name only. */
  maxContentBytes: number;
}

interface Match {
  path: string;
  line?: number;
  text?: string;
}

const MAX_LINE_CHARS = 2000;

/**
 * Finds files under the root by glob and, optionally, lines by regular expression. Symlinks are never
 * followed, binary files are skipped for content, and every limit ends the walk with `truncated: true`.
 */
export function fileSearchTool(jail: PathJail, limits: FileSearchLimits): ToolDefinition {
  return defineTool<{ pattern?: string; contains?: string; path?: string; maxResults?: number; ignoreCase?: boolean }>({
    name: 'file.search',
    description: 'Search files under the node\'s file root by glob (e.g. "**/*.log") and optionally by a regular expression on their lines.',
    inputSchema: {
      type: 'object',
      properties: {
        pattern: { type: 'string', minLength: 1, maxLength: 512, default: '**/*', description: 'Glob on paths relative to `path`.' },
        contains: { type: 'string', minLength: 1, maxLength: 200, description: 'Regular expression a line must match.' },
        path: { type: 'string', minLength: 1, maxLength: 4096, default: '.', description: 'Directory to search, relative to the file root.' },
        maxResults: { type: 'integer', minimum: 1, maximum: limits.maxResults },
        ignoreCase: { type: 'boolean', default: false },
      },
      additionalProperties: false,
    },
    outputSchema: {
      type: 'object',
      properties: {
        matches: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, line: { type: 'integer' }, text: { type: 'string' } }, required: ['path'] } },
        scannedFiles: { type: 'integer' },
        truncated: { type: 'boolean' },
      },
      required: ['matches', 'scannedFiles', 'truncated'],
    },
    annotations: { title: 'Search files', readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    version: '1.0.0',
    costClass: 'light',
    handler: async (args, ctx) => {
      const base = await jail.resolve(args.path ?? '.');
      const glob = args.pattern ?? '**/*';
      const regex = compile(args.contains, args.ignoreCase ?? false);
      const maxResults = Math.min(args.maxResults ?? limits.maxResults, limits.maxResults);
      const matches: Match[] = [];
      let scannedFiles = 0;
      let truncated = false;

      const visit = async (dir: string, depth: number): Promise<void> => {
        if (depth > limits.maxDepth) {
          truncated = true;
          return;
        }
        for await (const entry of await opendir(dir)) {
          if (ctx.signal.aborted) throw ctx.signal.reason;
          if (matches.length >= maxResults || scannedFiles >= limits.maxFilesScanned) {
            truncated = true;
            return;
          }
          const full = join(dir, entry.name);
          if (entry.isSymbolicLink()) continue; // never leave the tree through a link
          if (entry.isDirectory()) {
            await visit(full, depth + 1);
            continue;
          }
          if (!entry.isFile()) continue;
          scannedFiles++;
          if (scannedFiles % 1000 === 0) ctx.progress(scannedFiles, undefined, `scanned ${scannedFiles} files`);
          const shown = jail.display(full);
          const relativeToBase = jail.display(full).slice(jail.display(base) === '.' ? 0 : jail.display(base).length + 1);
          if (!minimatch(relativeToBase, glob, { dot: false, nocase: args.ignoreCase ?? false })) continue;
          if (!regex) {
            matches.push({ path: shown });
            continue;
          }
          for (const hit of await grep(full, regex, limits.maxContentBytes)) {
            if (matches.length >= maxResults) {
              truncated = true;
              break;
            }
            matches.push({ path: shown, ...hit });
          }
        }
      };

      await visit(base, 0);
      // Directory order differs between file systems; callers get a stable order.
      matches.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : (a.line ?? 0) - (b.line ?? 0)));
      const summary = matches.map((m) => (m.line ? `${m.path}:${m.line}: ${m.text}` : m.path)).join('\n');
      return textResult(summary || 'no matches', { matches, scannedFiles, truncated });
    },
  });
}

function compile(source: string | undefined, ignoreCase: boolean): RegExp | undefined {
  if (source === undefined) return undefined;
  try {
    return new RegExp(source, ignoreCase ? 'i' : '');
  } catch (err) {
    throw new ToolError(`"contains" is not a valid regular expression: ${(err as Error).message}`);
  }
}

async function grep(file: string, regex: RegExp, maxBytes: number): Promise<Array<{ line: number; text: string }>> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size > maxBytes) return [];
    const data = Buffer.alloc(size);
    await handle.read(data, 0, size, 0);
    if (looksBinary(data)) return [];
    const hits: Array<{ line: number; text: string }> = [];
    data.toString('utf8').split('\n').forEach((text, i) => {
      // Long lines are cut before matching: bounds the work a hostile pattern can cause.
      const line = text.length > MAX_LINE_CHARS ? text.slice(0, MAX_LINE_CHARS) : text;
      if (regex.test(line)) hits.push({ line: i + 1, text: line.trimEnd() });
    });
    return hits;
  } finally {
    await handle.close();
  }
}
