import { ToolError } from '@pimcp/plugin-sdk';
import { RegexLineWorker } from './regex-line-worker';

export interface LineFilterOptions {
  contains?: string;
  regex?: string;
  ignoreCase?: boolean;
  regexBudgetMs: number;
}

/** Selects log lines by substring and/or regular expression (both must match when both are given). */
export class LineFilter {
  private readonly needle: string | undefined;

  private constructor(private readonly options: LineFilterOptions, private readonly worker: RegexLineWorker | undefined) {
    this.needle = options.contains === undefined ? undefined : options.ignoreCase ? options.contains.toLowerCase() : options.contains;
  }

  static create(options: LineFilterOptions): LineFilter {
    if (options.regex === undefined) return new LineFilter(options, undefined);
    const flags = options.ignoreCase ? 'i' : '';
    try {
      new RegExp(options.regex, flags); // syntax errors are the caller's to fix, reported before any thread starts
    } catch (err) {
      throw new ToolError(`"regex" is not a valid regular expression: ${(err as Error).message}`);
    }
    return new LineFilter(options, new RegexLineWorker(options.regex, flags, options.regexBudgetMs));
  }

  get active(): boolean {
    return this.needle !== undefined || this.worker !== undefined;
  }

  /** The lines that pass, in their order. */
  async select(lines: string[], signal: AbortSignal): Promise<string[]> {
    const needle = this.needle;
    const ignoreCase = this.options.ignoreCase === true;
    const candidates = needle === undefined ? lines : lines.filter((line) => (ignoreCase ? line.toLowerCase() : line).includes(needle));
    if (!this.worker || candidates.length === 0) return candidates;
    const hits = await this.worker.matching(candidates, signal);
    return candidates.filter((_line, i) => hits.has(i));
  }

  async close(): Promise<void> {
    await this.worker?.close();
  }
}
