import { stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LineFilter } from './line-filter';
import { lineText, openLog, splitLines, type OpenedLog } from './log-lines';

const READ_CHUNK = 256 * 1024;

export interface FollowOptions {
  name: string;
  path: string;
  /** Where the tail ended: the inode it read and the offset to continue from. */
  ino: number;
  position: number;
  durationMs: number;
  pollIntervalMs: number;
  maxLineChars: number;
  filter: LineFilter;
  signal: AbortSignal;
  /** New lines that passed the filter, a batch per read. */
  onLines(lines: string[]): void;
}

/**
 * Follows a log by polling for `durationMs` (polling works on every file system, inotify does not), like
 * `tail -F`: a file replaced under the same name (rotation) is reopened from its start, a file cut in
 * place (copytruncate) is read again from 0, and a partial last line waits for its newline.
 */
export async function followLog(options: FollowOptions): Promise<void> {
  let current: OpenedLog = await openLog(options.name, options.path);
  let position = current.ino === options.ino ? options.position : 0;
  let partial: Buffer = Buffer.alloc(0);
  const maxPartialBytes = options.maxLineChars * 4 + 4;
  const end = Date.now() + options.durationMs;
  try {
    while (Date.now() < end) {
      try {
        await sleep(Math.max(1, Math.min(options.pollIntervalMs, end - Date.now())), undefined, { signal: options.signal });
      } catch {
        throw options.signal.reason;
      }
      const named = await stat(options.path).catch(() => undefined);
      if (named && named.ino !== current.ino) {
        const next = await openLog(options.name, options.path).catch(() => undefined);
        if (next) {
          await current.handle.close();
          current = next;
          position = 0;
          partial = Buffer.alloc(0);
        }
      }
      const { size } = await current.handle.stat();
      if (size < position) {
        position = 0;
        partial = Buffer.alloc(0);
      }
      while (size > position && Date.now() < end) {
        if (options.signal.aborted) throw options.signal.reason;
        const chunk = Buffer.alloc(Math.min(READ_CHUNK, size - position));
        const { bytesRead } = await current.handle.read(chunk, 0, chunk.length, position);
        if (bytesRead === 0) break;
        position += bytesRead;
        const pieces = splitLines(Buffer.concat([partial, chunk.subarray(0, bytesRead)]));
        partial = pieces.pop() as Buffer;
        // A line that never ends is passed on (cut) rather than held without bound.
        if (partial.length > maxPartialBytes) {
          pieces.push(partial);
          partial = Buffer.alloc(0);
        }
        const passed = await options.filter.select(pieces.map((piece) => lineText(piece, options.maxLineChars)), options.signal);
        if (passed.length > 0) options.onLines(passed);
      }
    }
  } finally {
    await current.handle.close();
  }
}
