import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { ToolError } from '@pimcp/plugin-sdk';
import { clip } from '../common/utf8-boundary';

// O_NONBLOCK: a FIFO configured as a "log" must not block the open.
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

export interface OpenedLog {
  handle: FileHandle;
  ino: number;
  size: number;
}

/** Opens a configured log for reading; messages name the log, never its path. */
export async function openLog(name: string, path: string): Promise<OpenedLog> {
  let handle: FileHandle;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ToolError(code === 'ENOENT' ? `log "${name}" has no file right now (it may be rotating); try again shortly` : `log "${name}" cannot be read (${code})`);
  }
  const stat = await handle.stat();
  if (!stat.isFile()) {
    await handle.close();
    throw new ToolError(`log "${name}" is not a regular file on this node`);
  }
  return { handle, ino: stat.ino, size: stat.size };
}

/** Splits at "\n"; the last piece is what follows the last newline (possibly empty). */
export function splitLines(data: Buffer): Buffer[] {
  const pieces: Buffer[] = [];
  let start = 0;
  for (let nl = data.indexOf(10); nl !== -1; nl = data.indexOf(10, start)) {
    pieces.push(data.subarray(start, nl));
    start = nl + 1;
  }
  pieces.push(data.subarray(start));
  return pieces;
}

/** One line as text: UTF-8 (bad bytes become U+FFFD), without a trailing "\r", cut at `maxChars`. */
export function lineText(piece: Buffer, maxChars: number): string {
  // Decode no more than a cut line can show: 4 bytes per character at most.
  const text = piece.subarray(0, maxChars * 4 + 4).toString('utf8');
  return clip(text.endsWith('\r') ? text.slice(0, -1) : text, maxChars);
}
