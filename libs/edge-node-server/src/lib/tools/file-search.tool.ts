import type { Dir } from 'node:fs';
import { opendir } from 'node:fs/promises';
import { join } from 'node:path';
import { minimatch } from 'minimatch';
import { defineTool, textResult, ToolError, type ToolContext, type ToolDefinition } from '@pimcp/plugin-sdk';
import { looksBinary } from './binary-detect';
import type { PathJail } from './path-jail';
import { RegexWorker } from './regex-worker';

export interface FileSearchLimits {
  maxResults: number;
  maxFilesScanned: number;
  /** Deepest directory level below the search path that is entered. */
  maxDepth: number;
  /** Files larger than this are matched by name only. */
  maxContentBytes: number;
  /** Most content read for `contains` in one search. */
  maxTotalBytes: number;
  /** Longest one file's regular expression match may run. */
  regexBudgetMs?: number;
}

interface SearchArgs extends Record<string, unknown> {
  pattern?: string;
  contains?: string;
  path?: string;
  maxResults?: number;
  ignoreCase?: boolean;
  includeHidden?: boolean;
}

interface Match {
  path: string;
  line?: number;
  text?: string;
}

/** What one search has found and read so far. */
class SearchState {
  readonly matches: Match[] = [];
  scannedFiles = 0;
  scannedBytes = 0;
  skipped = 0;
  truncated = false;
}

/**
 * Finds files under the root by glob and, optionally, lines by regular expression. Symlinks are never
 * followed (neither out of the root nor within it), binary and oversized files are matched by name only,
 * unreadable entries are skipped and counted, and every limit ends the walk with `truncated: true`.
 */
export function fileSearchTool(jail: PathJail, limits: FileSearchLimits): ToolDefinition {
  return defineTool<SearchArgs>({
    name: 'file.search',
    description: 'Search files under the node\'s file root by glob (e.g. "*.log" anywhere, or "logs/**/*.txt") and optionally ' +
      'by a JavaScript regular expression on their lines ("contains"). Hidden files and symlinks are skipped.',
    inputSchema: {
      type: 'object',
      properties: {
        pattern: { type: 'string', minLength: 1, maxLength: 512, default: '**/*', description: 'Glob on paths relative to `path`; one without "/" matches file names at any depth.' },
        contains: { type: 'string', minLength: 1, maxLength: 200, description: 'Regular expression a line must match (lines are cut at 2000 characters).' },
        path: { type: 'string', minLength: 1, maxLength: 4096, default: '.', description: 'Directory to search, relative to the file root.' },
        maxResults: { type: 'integer', minimum: 1, maximum: limits.maxResults },
        ignoreCase: { type: 'boolean', default: false },
        includeHidden: { type: 'boolean', default: false, description: 'Also search files and directories whose names start with ".".' },
      },
      additionalProperties: false,
    },
    outputSchema: {
      type: 'object',
      properties: {
        matches: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, line: { type: 'integer' }, text: { type: 'string' } }, required: ['path'] } },
        scannedFiles: { type: 'integer' },
        skipped: { type: 'integer', description: 'Entries that could not be read.' },
        truncated: { type: 'boolean' },
      },
      required: ['matches', 'scannedFiles', 'truncated'],
    },
    annotations: { title: 'Search files', readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    version: '1.0.0',
    costClass: 'light',
    handler: async (args, ctx) => {
      const base = await jail.resolve(args.path ?? '.');
      const regex = args.contains === undefined ? undefined : checkedRegex(args.contains, args.ignoreCase ? 'i' : '');
      const worker = regex && new RegexWorker(regex.source, regex.flags, limits.regexBudgetMs ?? 2000);
      try {
        const search = new Search(jail, base, limits, args, ctx, worker);
        const state = await search.run();
        // Directory order differs between file systems; callers get a stable order.
        state.matches.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : (a.line ?? 0) - (b.line ?? 0)));
        const summary = state.matches.map((m) => (m.line ? `${m.path}:${m.line}: ${m.text}` : m.path)).join('\n');
        return textResult(summary || 'no matches', { matches: state.matches, scannedFiles: state.scannedFiles, skipped: state.skipped, truncated: state.truncated });
      } finally {
        await worker?.close();
      }
    },
  });
}

class Search {
  private readonly state = new SearchState();
  private readonly maxResults: number;
  private readonly glob: string;

  constructor(
    private readonly jail: PathJail,
    private readonly base: string,
    private readonly limits: FileSearchLimits,
    private readonly args: SearchArgs,
    private readonly ctx: ToolContext,
    private readonly worker: RegexWorker | undefined,
  ) {
    this.maxResults = Math.min(args.maxResults ?? limits.maxResults, limits.maxResults);
    this.glob = args.pattern ?? '**/*';
  }

  async run(): Promise<SearchState> {
    let dir: Dir;
    try {
      dir = await opendir(this.base);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new ToolError(code === 'ENOTDIR' ? `"${this.args.path}" is a file; give a directory as path` : `"${this.args.path ?? '.'}" cannot be listed (${code})`);
    }
    await this.visit(dir, this.base, 0);
    return this.state;
  }

  private full(): boolean {
    return this.state.matches.length >= this.maxResults || this.state.scannedFiles >= this.limits.maxFilesScanned
      || this.state.scannedBytes >= this.limits.maxTotalBytes;
  }

  private async visit(dir: Dir, path: string, depth: number): Promise<void> {
    for await (const entry of dir) {
      if (this.ctx.signal.aborted) throw this.ctx.signal.reason;
      if (this.full()) {
        this.state.truncated = true;
        return;
      }
      if (entry.isSymbolicLink()) continue; // never leave the tree, nor loop, through a link
      if (!this.args.includeHidden && entry.name.startsWith('.')) continue;
      const full = join(path, entry.name);
      if (entry.isDirectory()) {
        await this.enter(full, depth + 1);
      } else if (entry.isFile()) {
        await this.consider(full);
      }
    }
  }

  private async enter(path: string, depth: number): Promise<void> {
    if (depth > this.limits.maxDepth) {
      this.state.truncated = true;
      return;
    }
    // Walk the real directory, re-checked: a directory swapped for a symlink since it was listed is skipped.
    const real = await this.jail.realDirectory(path);
    const dir = real && (await opendir(real).catch(() => undefined));
    if (!dir) {
      this.state.skipped++;
      return;
    }
    await this.visit(dir, real, depth);
  }

  private async consider(file: string): Promise<void> {
    const state = this.state;
    state.scannedFiles++;
    if (state.scannedFiles % 1000 === 0) this.ctx.progress(state.scannedFiles, undefined, `looked at ${state.scannedFiles} files`);
    const relative = this.jail.display(file).slice(this.jail.display(this.base) === '.' ? 0 : this.jail.display(this.base).length + 1);
    const options = { dot: this.args.includeHidden ?? false, nocase: this.args.ignoreCase ?? false, matchBase: !this.glob.includes('/') };
    if (!minimatch(relative, this.glob, options)) return;
    const shown = this.jail.display(file);
    if (!this.worker) {
      state.matches.push({ path: shown });
      return;
    }
    const text = await this.readText(file, shown);
    if (text === undefined) return;
    const hits = await this.worker.match(text, this.maxResults - state.matches.length, this.ctx.signal, shown);
    for (const hit of hits) state.matches.push({ path: shown, ...hit });
    if (state.matches.length >= this.maxResults) state.truncated = true;
  }

  /** The file's text, or undefined for binary, oversized or unreadable files. */
  private async readText(file: string, shown: string): Promise<string | undefined> {
    let handle;
    try {
      handle = await this.jail.openFile(file, shown);
    } catch {
      this.state.skipped++;
      return undefined;
    }
    try {
      const { size } = await handle.stat();
      if (size > this.limits.maxContentBytes) return undefined;
      const data = Buffer.alloc(size);
      const { bytesRead } = await handle.read(data, 0, size, 0);
      this.state.scannedBytes += bytesRead;
      return looksBinary(data) ? undefined : data.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
  }
}

function checkedRegex(source: string, flags: string): RegExp {
  try {
    return new RegExp(source, flags);
  } catch (err) {
    throw new ToolError(`"contains" is not a valid regular expression: ${(err as Error).message}`);
  }
}
