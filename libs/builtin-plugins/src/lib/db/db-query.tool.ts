import { defineTool, ToolError, type ToolDefinition, type ToolResult } from '@pimcp/plugin-sdk';
import { clip } from '../common/utf8-boundary';
import type { DatabaseEntry, DbQueryConfig } from './db-query.config';
import { INTROSPECTION_PRAGMAS, readOnlySqlRefusal } from './read-only-sql';
import { sqlShape } from './sql-shape';
import { type PostgresJob, PostgresPools, type PostgresReply, runPostgresJob } from './postgres-query';
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
 * Runs one parameterized statement against an SQLite file or a PostgreSQL database the node operator named.
 * Callers' own SQL is read-only at every layer: a lexer admits one SELECT/WITH/VALUES (or, on SQLite, an
 * introspection PRAGMA); SQLite runs it under an authorizer that denies everything but reads on a read-only
 * connection, in a child process killed at the time limit; PostgreSQL runs it inside a READ ONLY transaction with
 * statement_timeout and a server-side row limit. Writes happen only through statements declared in the config,
 * on databases with allowWrites.
 */
export function dbQueryTool(config: DbQueryConfig, pools: PostgresPools = new PostgresPools()): ToolDefinition {
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
    annotations: { title: 'Query a database', readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    version: '1.0.0',
    costClass: 'standard',
    handler: async (args, ctx) => {
      const started = performance.now();
      const database = databaseOf(config, args.database);
      const timeoutMs = Math.max(1, Math.min(config.timeoutMs, ctx.deadline - Date.now()));
      if (database.kind === 'postgres' && database.postgres) {
        const job = postgresJobFor(config, database, args, timeoutMs);
        const reply = await runPostgresJob(pools.pool(database.name, database.postgres, timeoutMs), job, ctx.signal);
        if (ctx.signal.aborted) throw ctx.signal.reason;
        return toResult(database, reply, Math.round(performance.now() - started));
      }
      const reply = await runSqliteJob(jobFor(config, database, args), timeoutMs, ctx.signal);
      return toResult(database, reply, Math.round(performance.now() - started));
    },
  });
}

function databaseOf(config: DbQueryConfig, name: string): DatabaseEntry {
  const database = config.databases.get(name);
  if (!database) throw new ToolError(`no database named "${clip(name, 100)}" on this node; databases: ${[...config.databases.keys()].join(', ')}`);
  return database;
}

/** The declared statement named by `statement`, or a refusal saying which exist. */
function declaredStatement(database: DatabaseEntry, name: string): string {
  const sql = database.statements.get(name);
  if (sql === undefined) {
    const known = [...database.statements.keys()].join(', ') || 'none';
    throw new ToolError(`no statement named "${clip(name, 100)}" for database "${database.name}"; statements: ${known}`);
  }
  return sql;
}

function checkOneOf(args: DbQueryArgs): void {
  if ((args.sql === undefined) === (args.statement === undefined)) {
    throw new ToolError('give exactly one of "sql" (a read-only query) and "statement" (the name of a declared statement)');
  }
}

/** Caller SQL may not change data: the same lexer as SQLite, PRAGMAs excluded (PostgreSQL has none). */
function postgresJobFor(config: DbQueryConfig, database: DatabaseEntry, args: DbQueryArgs, timeoutMs: number): PostgresJob {
  checkOneOf(args);
  if (args.params !== undefined && !Array.isArray(args.params)) {
    throw new ToolError(`database "${database.name}" is PostgreSQL, which takes positional parameters: write $1, $2, ... in the SQL and pass params as a list`);
  }
  const base = { params: args.params ?? [], maxRows: Math.min(args.maxRows ?? config.maxRows, config.maxRows), maxResultBytes: config.maxResultBytes, timeoutMs };
  if (args.statement !== undefined) {
    return { ...base, sql: declaredStatement(database, args.statement), readOnly: !database.allowWrites, limitOnServer: false };
  }
  refuseUnlessQueriesAllowed(database);
  const sql = args.sql ?? '';
  const refusal = readOnlySqlRefusal(sql);
  if (refusal) throw new ToolError(refusal);
  const keyword = sqlShape(sql).tokens[0];
  if (keyword === 'PRAGMA') throw new ToolError('PRAGMA is SQLite; on PostgreSQL query information_schema or pg_catalog instead');
  return { ...base, sql, readOnly: true, limitOnServer: keyword !== 'EXPLAIN' };
}

function refuseUnlessQueriesAllowed(database: DatabaseEntry): void {
  if (!database.allowQueries) {
    throw new ToolError(`database "${database.name}" runs only its declared statements (${[...database.statements.keys()].join(', ')}); pass "statement" instead of "sql"`);
  }
}

function jobFor(config: DbQueryConfig, database: DatabaseEntry, args: DbQueryArgs): SqliteJob {
  checkOneOf(args);
  const base = {
    path: database.path, params: normalisedParams(args.params), pragmas: INTROSPECTION_PRAGMAS,
    maxRows: Math.min(args.maxRows ?? config.maxRows, config.maxRows), maxResultBytes: config.maxResultBytes, busyTimeoutMs: config.busyTimeoutMs,
  };
  if (args.statement !== undefined) {
    return { ...base, sql: declaredStatement(database, args.statement), readOnly: !database.allowWrites, restricted: false };
  }
  refuseUnlessQueriesAllowed(database);
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

function toResult(database: DatabaseEntry, reply: SqliteReply | PostgresReply, durationMs: number): ToolResult {
  if (!reply.ok) throw new ToolError(database.kind === 'postgres' ? explainPostgres(database, reply) : explain(database, reply.message));
  const structured = {
    database: database.name, columns: reply.columns, rows: reply.rows, rowCount: reply.rows.length, truncated: reply.truncated,
    ...(reply.changes !== undefined ? { changes: reply.changes } : {}),
    ...('lastInsertRowid' in reply && reply.lastInsertRowid !== undefined ? { lastInsertRowid: reply.lastInsertRowid } : {}), durationMs,
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

/** PostgreSQL's message (SQLSTATE in brackets) with what to change for the refusals a caller can meet. */
function explainPostgres(database: DatabaseEntry, reply: { message: string; code?: string }): string {
  const message = clip(reply.message, 500);
  switch (reply.code) {
    case '25006':
      return `PostgreSQL refused to write (${message}): db.query runs caller SQL read-only; a change to "${database.name}" needs a named statement declared by the node operator, on a database with allowWrites`;
    case '57014':
    case 'TIMEOUT':
      return `the query on "${database.name}" took longer than the limit and was stopped (${message}); narrow it (WHERE, LIMIT) or ask the operator to raise timeoutMs`;
    case 'ABORTED':
      return message;
    case '42501':
      return `PostgreSQL denied it (${message}): the node's database user "${database.postgres?.user}" lacks that privilege`;
    default:
      return `PostgreSQL error on "${database.name}"${reply.code ? ` [${reply.code}]` : ''}: ${message}`;
  }
}

function describeTool(config: DbQueryConfig): string {
  const entries = [...config.databases.values()].slice(0, 40).map((db) => {
    const statements = db.statements.size > 0 ? `; statements: ${[...db.statements.keys()].join(', ')}` : '';
    return `${db.name} (${db.kind === 'postgres' ? 'PostgreSQL, params $1, $2, ...' : 'SQLite'}${db.allowQueries ? '' : ', statements only'})${statements}`;
  });
  return 'Run one parameterized SQL statement on a database of this node. Your own SQL must be read-only ' +
    '(SELECT, WITH, VALUES, EXPLAIN, or on SQLite a schema PRAGMA such as table_info); changes go through the named statements the node declares. ' +
    `At most ${config.maxRows} rows and ${config.timeoutMs} ms per call. Databases: ${entries.join(' | ')}.`;
}
