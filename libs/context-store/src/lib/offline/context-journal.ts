import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { ContextStoreErrorCode, ContextStoreException } from '../errors/context-store.exception';
import type { JsonValue } from '../port/json-value';

/** One write made while the store was unreachable, in the order it was made. */
export interface JournalEntry {
  op: 'put' | 'patch' | 'delete';
  contextId: string;
  key: string;
  /** The value (put) or merge patch (patch). */
  value?: JsonValue;
  clock: string;
  /** A compare-and-set write: replayed as such, never last-writer-wins. */
  expectedRevision?: number;
  expectedContextRevision?: number;
  ttlSeconds?: number;
}

/**
 * A durable, append-only file of journal entries (JSON lines), fsync'd on every append so an acknowledged offline
 * write survives a power cut. A torn last line (a crash mid-append) is dropped on open; so is nothing else.
 * Replayed entries are removed by rewriting the rest to a temporary file and renaming it over the journal.
 */
export class ContextJournal {
  private readonly pending: JournalEntry[] = [];
  private fd: number | undefined;

  private constructor(private readonly path: string, private readonly maxEntries: number) {}

  static open(path: string, options: { maxEntries?: number } = {}): ContextJournal {
    const journal = new ContextJournal(path, options.maxEntries ?? 10_000);
    mkdirSync(dirname(path), { recursive: true });
    if (existsSync(path)) {
      const lines = readFileSync(path, 'utf8').split('\n').filter((line) => line.length > 0);
      lines.forEach((line, i) => {
        try {
          journal.pending.push(JSON.parse(line) as JournalEntry);
        } catch (error) {
          if (i < lines.length - 1) throw new ContextStoreException(ContextStoreErrorCode.InvalidOption, `context journal ${path} is damaged at line ${i + 1}; move it aside to start empty`, { cause: error });
        }
      });
      // Rewrite without the torn line, so the next append starts on a line of its own.
      journal.rewrite();
    }
    journal.fd = openSync(path, 'a');
    return journal;
  }

  get size(): number {
    return this.pending.length;
  }

  entries(): readonly JournalEntry[] {
    return this.pending;
  }

  append(entry: JournalEntry): void {
    if (this.pending.length >= this.maxEntries) {
      throw new ContextStoreException(ContextStoreErrorCode.Unavailable,
        `the context store is unreachable and the offline journal ${this.path} is full (${this.maxEntries} writes); retry when the node is back online`);
    }
    const fd = this.descriptor();
    writeSync(fd, `${JSON.stringify(entry)}\n`);
    fsyncSync(fd);
    this.pending.push(entry);
  }

  /** Drops the first `count` entries (replayed), durably. */
  removeFirst(count: number): void {
    if (count <= 0) return;
    this.pending.splice(0, count);
    this.rewrite();
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private descriptor(): number {
    this.fd ??= openSync(this.path, 'a');
    return this.fd;
  }

  private rewrite(): void {
    const temp = `${this.path}.tmp`;
    const fd = openSync(temp, 'w');
    try {
      if (this.pending.length > 0) writeSync(fd, this.pending.map((e) => `${JSON.stringify(e)}\n`).join(''));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (this.fd !== undefined) closeSync(this.fd);
    renameSync(temp, this.path);
    this.fd = undefined;
  }
}
