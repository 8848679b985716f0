/** What the SQLite child process is asked to do, and what it answers. Plain data: it crosses IPC. */
export interface SqliteJob {
  path: string;
  sql: string;
  params: unknown[] | Record<string, unknown>;
  /** Open read-only (every caller query, and named statements of a database without allowWrites). */
  readOnly: boolean;
  /** Caller SQL: the authorizer allows reads and the listed PRAGMAs only. Named statements are the operator's. */
  restricted: boolean;
  pragmas: readonly string[];
  maxRows: number;
  maxResultBytes: number;
  busyTimeoutMs: number;
}

export type SqliteValue = string | number | null | { base64: string };

export type SqliteReply =
  | { ok: true; columns: string[]; rows: SqliteValue[][]; truncated: boolean; changes?: number; lastInsertRowid?: string }
  | { ok: false; message: string; code?: string };
