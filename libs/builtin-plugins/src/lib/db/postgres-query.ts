import type { Pool, PoolClient } from 'pg';
import type { PostgresConnection } from './postgres-connection';

/** One call on a PostgreSQL database. */
export interface PostgresJob {
  sql: string;
  /** Bound to $1, $2, ...: values never become SQL text. */
  params: unknown[];
  /** Run inside a READ ONLY transaction (every caller query, and named statements of a database without allowWrites). */
  readOnly: boolean;
  /** Caller SQL (one SELECT/WITH/VALUES): wrapped so the server stops after maxRows + 1 rows. */
  limitOnServer: boolean;
  maxRows: number;
  maxResultBytes: number;
  timeoutMs: number;
}

export type PostgresValue = string | number | boolean | null | { base64: string } | unknown[] | Record<string, unknown>;

export type PostgresReply =
  | { ok: true; columns: string[]; rows: PostgresValue[][]; truncated: boolean; changes?: number }
  | { ok: false; message: string; code?: string };

/**
 * A small pool per configured database, opened on first use and closed with the plugin. The password is read from
 * the named environment variable when a connection opens, so it is never held in the config.
 */
export class PostgresPools {
  private readonly pools = new Map<string, Pool>();

  pool(name: string, connection: PostgresConnection, timeoutMs: number): Pool {
    let pool = this.pools.get(name);
    if (!pool) {
      // pg is loaded at the first PostgreSQL call, not when the plugin loads: a node with only SQLite never pays for it.
      const { Pool: PgPool } = require('pg') as typeof import('pg');
      pool = new PgPool({
        host: connection.host, port: connection.port, database: connection.database, user: connection.user,
        ...(connection.passwordEnv ? { password: () => process.env[connection.passwordEnv as string] ?? '' } : {}),
        ...(connection.ssl ? { ssl: { rejectUnauthorized: true } } : {}),
        max: 4, idleTimeoutMillis: 30_000, connectionTimeoutMillis: timeoutMs, application_name: 'pimcp-db.query',
      });
      // An idle connection dropped by the server must not crash the node; the next call opens a new one.
      pool.on('error', () => undefined);
      this.pools.set(name, pool);
    }
    return pool;
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.allSettled(pools.map((p) => p.end()));
  }
}

/**
 * Runs one statement: BEGIN [READ ONLY], SET LOCAL statement_timeout, the statement, then COMMIT (ROLLBACK when
 * read-only). The server enforces the time limit; a client-side timer and the abort signal also drop the
 * connection, for servers that cannot interrupt a statement.
 */
export async function runPostgresJob(pool: Pool, job: PostgresJob, signal: AbortSignal): Promise<PostgresReply> {
  const started = Date.now();
  let client: PoolClient | undefined;
  let dropped: string | undefined;
  const drop = (why: string) => {
    dropped ??= why;
    // release(true) destroys the socket: whatever the server is still doing, this call is over.
    client?.release(true);
    client = undefined;
  };
  const timer = setTimeout(() => drop('timeout'), job.timeoutMs);
  const onAbort = () => drop('aborted');
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    // The pool's connectionTimeoutMillis bounds this wait.
    const connected = await pool.connect();
    if (dropped) {
      connected.release(true);
      return failure(dropped, job);
    }
    client = connected;
    await connected.query(job.readOnly ? 'BEGIN TRANSACTION READ ONLY' : 'BEGIN');
    const remaining = Math.max(1, job.timeoutMs - (Date.now() - started));
    await connected.query(`SET LOCAL statement_timeout = ${Math.floor(remaining)}`);
    const text = job.limitOnServer ? `SELECT * FROM (\n${stripTrailingSemicolon(job.sql)}\n) AS pimcp_query LIMIT ${job.maxRows + 1}` : job.sql;
    const result = await connected.query({ text, values: job.params, rowMode: 'array' });
    await connected.query(job.readOnly ? 'ROLLBACK' : 'COMMIT');
    connected.release();
    client = undefined;
    return shape(result.fields.map((f) => f.name), result.rows as unknown[][], job, result.command, result.rowCount);
  } catch (err) {
    if (dropped) return failure(dropped, job);
    const e = err as { message?: string; code?: string };
    // The transaction is in an unknown state after an error: do not hand this connection to the next call.
    drop('error');
    return { ok: false, message: e.message ?? String(err), ...(e.code ? { code: e.code } : {}) };
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}

function shape(columns: string[], raw: unknown[][], job: PostgresJob, command: string, rowCount: number | null): PostgresReply {
  const rows: PostgresValue[][] = [];
  let bytes = 0;
  let truncated = raw.length > job.maxRows;
  for (const row of raw.slice(0, job.maxRows)) {
    const values = row.map(toJson);
    bytes += JSON.stringify(values).length;
    if (bytes > job.maxResultBytes) {
      truncated = true;
      break;
    }
    rows.push(values);
  }
  const changed = ['INSERT', 'UPDATE', 'DELETE', 'MERGE'].includes(command);
  return { ok: true, columns, rows, truncated, ...(changed ? { changes: rowCount ?? 0 } : {}) };
}

/** pg's values as JSON: bytea as base64, timestamps as ISO strings; int8 and numeric stay strings (exact). */
function toJson(value: unknown): PostgresValue {
  if (Buffer.isBuffer(value)) return { base64: value.toString('base64') };
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(toJson);
  return value as PostgresValue;
}

function failure(why: string, job: PostgresJob): PostgresReply {
  return why === 'timeout'
    ? { ok: false, code: 'TIMEOUT', message: `the query did not finish within ${job.timeoutMs} ms` }
    : { ok: false, code: 'ABORTED', message: 'the call was cancelled' };
}

function stripTrailingSemicolon(sql: string): string {
  return sql.replace(/;\s*$/, '');
}
