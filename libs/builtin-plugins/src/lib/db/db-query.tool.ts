import { defineTool, ToolError, type ToolDefinition, type ToolResult } from '@pimcp/plugin-sdk';
import { clip } from '../common/utf8-boundary';
import type { DatabaseEntry, DbQueryConfig } from './db-query.config';
import { INTROSPECTION_PRAGMAS, readOnlySqlRefusal } from './read-only-sql';
import type { SqliteJob, SqliteReply } from './sqlite-job';
import { runSqliteJob } from './sqlite-process-run';

type Param = string | number | boolean | null;

interface DbQueryArgs extends Record<string, unknown> {
  database: string;
  sql?: string;
  statement?: string;
  params?: Param[] | Record<string, Param>;
  maxRows?: number;
}

const PARAM_VALUE = { type: ['string', 'number', 'boolean', 'null'], maxLength: 65_536 };
const SQL_MAX_CHARS = 20_000;

/**
 * Runs one parameterized statement against an SQLite file the node operator named. Callers' own SQL is
 * read-only three times over: a lexer admits one SELECT/WITH/VALUES (or an introspection PRAGMA), an
 * SQLite authorizer denies everything but reads, and the connection is opened read-only. Writes happen
 * only through statements declared in the config, on databases with allowWrites. Each call runs in a
 * child process that is killed at the time limit.
 */
export function dbQueryTool(config: DbQueryConfig): ToolDefinition {
  return defineTool<DbQueryArgs>({
    name: 'db.query',
    description: describeTool(config),
    inputSchema: {
      type: 'object',
      properties: {
        database: { type: 'string', minLength: 1, maxLength: 64, description: `One of: ${[...config.databases.keys()].join(', ')}.` },
        sql: { type: 'string', minLength: 1, maxLength: SQL_MAX_CHARS, description: 'One read-only statement; use ? or :name placeholders with params.' },
        statement: { type: 'string', minLength: 1, maxLength: 64, description: 'Name of a statement the node declares (instead of sql).' },
        params: {
          type: ['array', 'object'], maxItems: 100, items: PARAM_VALUE, maxProperties: 100, additionalProperties: PARAM_VALUE,
          propertyNames: { pattern: '^[:@$]?[A-Za-z_][A-Za-z0-9_]*$' },
          description: 'Values for the placeholders: a list for ?, an object for :name.',
        },
        maxRows: { type: 'integer', minimum: 1, maximum: config.maxRows },
      },
      required: ['database'],
      additionalProperties: false,
    },
    outputSchema: {
      type: 'object',
      properties: {
        database: { type: 'string' },
        columns: { type: 'array', items: { type: 'string' } },
        rows: { type: 'array', items: { type: 'array' }, description: 'One array per row, in column order; blobs as {"base64": ...}.' },
        rowCount: { type: 'integer' },
        truncated: { type: 'boolean', description: 'More rows (or bytes) than the limit; the rest was not read.' },
        changes: { type: 'integer' },
        lastInsertRowid: { type: 'string' },
        durationMs: { type: 'integer' },
      },
      required: ['database', 'columns', 'rows', 'rowCount', 'truncated', 'durationMs'],
    },
    annotations: { title: 'Query an SQLite database', readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    version: '1.0.0',
    costClass: 'standard',
    handler: async (args, ctx) => {
      const started = performance.now();
      const database = databaseOf(config, args.database);
      const job = jobFor(config, database, args);
      const timeoutMs = Math.max(1, Math.min(config.timeoutMs, ctx.deadline - Date.now()));
      const reply = await runSqliteJob(job, timeoutMs, ctx.signal);
      return toResult(database, reply, Math.round(performance.now() - started));
    },
  });
}

function databaseOf(config: DbQueryConfig, name: string): DatabaseEntry {
  const database = config.databases.get(name);
  if (!database) throw new ToolError(`no database named "${clip(name, 100)}" on this node; databases: ${[...config.databases.keys()].join(', ')}`);
  return database;
}

function jobFor(config: DbQueryConfig, database: DatabaseEntry, args: DbQueryArgs): SqliteJob {
  if ((args.sql === undefined) === (args.statement === undefined)) {
    throw new ToolError('give exactly one of "sql" (a read-only query) and "statement" (the name of a declared statement)');
  }
  const base = {
    path: database.path, params: normalisedParams(args.params), pragmas: INTROSPECTION_PRAGMAS,
    maxRows: Math.min(args.maxRows ?? config.maxRows, config.maxRows), maxResultBytes: config.maxResultBytes, busyTimeoutMs: config.busyTimeoutMs,
  };
  if (args.statement !== undefined) {
    const sql = database.statements.get(args.statement);
    if (sql === undefined) {
      const known = [...database.statements.keys()].join(', ') || 'none';
      throw new ToolError(`no statement named "${clip(args.statement, 100)}" for database "${database.name}"; statements: ${known}`);
    }
    return { ...base, sql, readOnly: !database.allowWrites, restricted: false };
  }
  if (!database.allowQueries) {
    throw new ToolError(`database "${database.name}" runs only its declared statements (${[...database.statements.keys()].join(', ')}); pass "statement" instead of "sql"`);
  }
  const refusal = readOnlySqlRefusal(args.sql ?? '');
  if (refusal) throw new ToolError(refusal);
  return { ...base, sql: args.sql ?? '', readOnly: true, restricted: true };
}

/** SQLite has no booleans: true/false are bound as 1/0. Named parameters keep their prefix or get none. */
function normalisedParams(params: DbQueryArgs['params']): SqliteJob['params'] {
  const bind = (value: Param) => (typeof value === 'boolean' ? Number(value) : value);
  if (params === undefined) return [];
  if (Array.isArray(params)) return params.map(bind);
  return Object.fromEntries(Object.entries(params).map(([key, value]) => [key, bind(value)]));
}

function toResult(database: DatabaseEntry, reply: SqliteReply, durationMs: number): ToolResult {
  if (!reply.ok) throw new ToolError(explain(database, reply.message));
  const structured = {
    database: database.name, columns: reply.columns, rows: reply.rows, rowCount: reply.rows.length, truncated: reply.truncated,
    ...(reply.changes !== undefined ? { changes: reply.changes, lastInsertRowid: reply.lastInsertRowid } : {}), durationMs,
  };
  const summary = reply.changes !== undefined
    ? `${reply.changes} row(s) changed`
    : `${reply.rows.length} row(s)${reply.truncated ? ' (more exist; the rest was not read: narrow the query or raise maxRows)' : ''}`;
  return { content: [{ type: 'text', text: `${summary}\n${JSON.stringify({ columns: reply.columns, rows: reply.rows })}` }], structuredContent: structured };
}

/** SQLite's message, with what to change when the engine (not the lexer) refused a write. */
function explain(database: DatabaseEntry, message: string): string {
  if (/not authorized/i.test(message)) {
    return `SQLite refused the statement (${message}): db.query runs read-only SQL; a change to "${database.name}" needs a named statement declared by the node operator`;
  }
  if (/readonly database/i.test(message)) {
    return `SQLite refused to write (${message}): database "${database.name}" is read-only on this node (allowWrites is off)`;
  }
  return `SQLite error on "${database.name}": ${clip(message, 500)}`;
}

function describeTool(config: DbQueryConfig): string {
  const entries = [...config.databases.values()].slice(0, 40).map((db) => {
    const statements = db.statements.size > 0 ? `; statements: ${[...db.statements.keys()].join(', ')}` : '';
    return `${db.name}${db.allowQueries ? '' : ' (statements only)'}${statements}`;
  });
  return 'Run one parameterized SQL statement on an SQLite database of this node. Your own SQL must be read-only ' +
    '(SELECT, WITH, VALUES, EXPLAIN, or a schema PRAGMA such as table_info); changes go through the named statements the node declares. ' +
    `At most ${config.maxRows} rows and ${config.timeoutMs} ms per call. Databases: ${entries.join(' | ')}.`;
}
