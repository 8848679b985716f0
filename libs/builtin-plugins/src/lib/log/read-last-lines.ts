import type { FileHandle } from 'node:fs/promises';
import type { LineFilter } from './line-filter';
import { lineText, splitLines } from './log-lines';

const CHUNK = 64 * 1024;

export interface LastLinesOptions {
  want: number;
  maxScanBytes: number;
  maxLineChars: number;
  filter: LineFilter;
  signal: AbortSignal;
}

export interface LastLines {
  /** In file order, the latest last. */
  lines: string[];
  scannedBytes: number;
  /** The scan limit was reached before `want` lines passed the filter. */
  truncated: boolean;
}

/**
 * The last `want` lines of a file that pass the filter, read backwards from `size` in chunks, so a large
 * log costs only its tail (at most `maxScanBytes`), not the whole file.
 */
export async function readLastLines(handle: FileHandle, size: number, options: LastLinesOptions): Promise<LastLines> {
  const batches: string[][] = [];
  let count = 0;
  let position = size;
  let carry: Buffer = Buffer.alloc(0); // the start of a line whose beginning lies before `position`
  let atEnd = true;
  while (count < options.want && position > 0 && size - position < options.maxScanBytes) {
    if (options.signal.aborted) throw options.signal.reason;
    const length = Math.min(CHUNK, position, options.maxScanBytes - (size - position));
    position -= length;
    const chunk = Buffer.alloc(length);
    const { bytesRead } = await handle.read(chunk, 0, length, position);
    const pieces = splitLines(Buffer.concat([chunk.subarray(0, bytesRead), carry]));
    carry = position > 0 ? (pieces.shift() as Buffer) : Buffer.alloc(0);
    // A newline ends the file's last line; it does not start another.
    if (atEnd && pieces.length > 0 && pieces[pieces.length - 1].length === 0) pieces.pop();
    atEnd = false;
    const passed = await options.filter.select(pieces.map((piece) => lineText(piece, options.maxLineChars)), options.signal);
    const take = passed.slice(Math.max(0, passed.length - (options.want - count)));
    batches.unshift(take);
    count += take.length;
  }
  return { lines: batches.flat(), scannedBytes: size - position, truncated: count < options.want && position > 0 };
}
