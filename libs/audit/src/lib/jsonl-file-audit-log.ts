import { createReadStream, existsSync, mkdirSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { AuditLog } from './audit-log.port';
import { type AuditQuery, limitOf, matchesQuery } from './audit-query';
import type { AuditRecord } from './audit-record';

/**
 * One JSON record per line, opened for append only (O_APPEND) and fsync'd after every record: a record the
 * gateway reported written survives a crash of the machine. Retention is the operator's (logrotate, with
 * copytruncate or a restart); the file is never rewritten here.
 */
export class JsonlFileAuditLog implements AuditLog {
  private handle: Promise<FileHandle> | undefined;
  /** Appends run one at a time, so lines never interleave. */
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly path: string) {}

  append(record: AuditRecord): Promise<void> {
    const line = `${JSON.stringify(record)}\n`;
    const write = this.tail.then(async () => {
      const handle = await this.file();
      await handle.write(line);
      await handle.sync();
    });
    this.tail = write.catch(() => undefined);
    return write;
  }

  async query(query: AuditQuery): Promise<AuditRecord[]> {
    const limit = limitOf(query);
    if (!existsSync(this.path)) return [];
    await this.tail;
    // Read forward keeping the newest `limit` matches: bounded memory whatever the file's size.
    const kept: AuditRecord[] = [];
    const lines = createInterface({ input: createReadStream(this.path, 'utf8'), crlfDelay: Infinity });
    for await (const line of lines) {
      const record = parseLine(line);
      if (!record || !matchesQuery(record, query)) continue;
      kept.push(record);
      if (kept.length > limit) kept.shift();
    }
    return kept.reverse();
  }

  async close(): Promise<void> {
    await this.tail;
    const handle = this.handle;
    this.handle = undefined;
    await (await handle)?.close();
  }

  private file(): Promise<FileHandle> {
    this.handle ??= (async () => {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      return open(this.path, 'a', 0o600);
    })();
    return this.handle;
  }
}

/** A torn last line (a crash mid-write) is skipped, not fatal. */
function parseLine(line: string): AuditRecord | undefined {
  if (line.trim() === '') return undefined;
  try {
    return JSON.parse(line) as AuditRecord;
  } catch {
    return undefined;
  }
}
