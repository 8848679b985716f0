import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { runTool, type ToolContext, type ToolDefinition, type ToolResult } from '@pimcp/plugin-sdk';
import { ErrorCode, type PimcpError } from '@pimcp/protocol';
import { childProcesses } from '../../test-support/child-processes.util';
import { pollUntil } from '../../test-support/poll-until.util';
import { resultText } from '../../test-support/result-text.util';
import { tempDir } from '../../test-support/temp-dir.util';
import { toolContext } from '../../test-support/tool-context';
import { parseDbQueryConfig } from './db-query.config';
import { dbQueryPlugin } from './db-query.plugin';

interface QueryOutput {
  columns: string[];
  rows: unknown[][];
  rowCount: number;
  truncated: boolean;
  changes?: number;
}

const SLOW = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c';

function makeDatabase(path: string): void {
  const db = new DatabaseSync(path);
  db.exec('CREATE TABLE readings (t INTEGER, v REAL, label TEXT, raw BLOB)');
  const insert = db.prepare('INSERT INTO readings VALUES (?, ?, ?, ?)');
  for (let t = 1; t <= 50; t++) insert.run(t, t / 2, `sensor-${t % 3}`, t === 1 ? Buffer.from([0xde, 0xad]) : null);
  db.close();
}

function count(path: string): number {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return Number((db.prepare('SELECT count(*) AS n FROM readings').get() as { n: number }).n);
  } finally {
    db.close();
  }
}

describe('db.query', () => {
  const dir = tempDir('db');
  let tool: ToolDefinition;
  const sensors = () => join(dir(), 'sensors.db');
  const archive = () => join(dir(), 'archive.db');
  const query = (args: Record<string, unknown>, ctx: Partial<ToolContext> = {}): Promise<ToolResult> => runTool(tool, args, toolContext(ctx));
  const output = (result: ToolResult) => result.structuredContent as unknown as QueryOutput;

  beforeAll(() => {
    makeDatabase(sensors());
    makeDatabase(archive());
    const config = parseDbQueryConfig({
      maxRows: 20,
      // Generous: the limit includes starting the query's process, which a loaded machine slows down.
      timeoutMs: 6000,
      databases: {
        sensors: {
          path: sensors(), allowWrites: true,
          statements: { addReading: 'INSERT INTO readings (t, v, label) VALUES (?, ?, ?)', dropAfter: 'DELETE FROM readings WHERE t > :after' },
        },
        archive: { path: archive(), statements: { addReading: 'INSERT INTO readings (t, v, label) VALUES (?, ?, ?)' } },
        locked: { path: archive(), allowQueries: false, statements: { latest: 'SELECT max(t) AS t FROM readings' } },
        missing: { path: join(dir(), 'missing.db') },
      },
    });
    [tool] = dbQueryPlugin(config).tools ?? [];
  });

  afterAll(async () => {
    expect(await pollUntil(() => childProcesses('node:sqlite').length === 0, 5000)).toBe(true);
  });

  it('runs a SELECT with positional and named parameters', async () => {
    const positional = output(await query({ database: 'sensors', sql: 'SELECT t, v, label, raw FROM readings WHERE t <= ? AND label = ? ORDER BY t', params: [4, 'sensor-1'] }));
    expect(positional).toMatchObject({ columns: ['t', 'v', 'label', 'raw'], rows: [[1, 0.5, 'sensor-1', { base64: '3q0=' }], [4, 2, 'sensor-1', null]], rowCount: 2, truncated: false });
    const named = output(await query({ database: 'sensors', sql: 'SELECT count(*) AS n FROM readings WHERE t > :after AND :flag', params: { after: 40, flag: true } }));
    expect(named.rows).toEqual([[10]]);
  });

  it('returns at most the row limit and says there is more', async () => {
    const all = output(await query({ database: 'sensors', sql: 'SELECT t FROM readings ORDER BY t' }));
    expect(all).toMatchObject({ rowCount: 20, truncated: true });
    expect(all.rows.at(-1)).toEqual([20]);
    expect(output(await query({ database: 'sensors', sql: 'SELECT t FROM readings', maxRows: 5 }))).toMatchObject({ rowCount: 5, truncated: true });
  });

  it('reads the schema through an introspection PRAGMA', async () => {
    const info = output(await query({ database: 'sensors', sql: 'PRAGMA table_info(readings)' }));
    expect(info.rows.map((row) => row[1])).toEqual(['t', 'v', 'label', 'raw']);
  });

  it('refuses more than one statement, but not a ";" in a string or a trailing comment', async () => {
    const result = await query({ database: 'sensors', sql: 'SELECT 1; DROP TABLE readings' });
    expect(result.isError).toBe(true);
    expect(resultText(result)).toContain('exactly one statement per call and this SQL holds 2');
    expect(output(await query({ database: 'sensors', sql: "SELECT ';DROP TABLE readings' AS s; -- the end" })).rows).toEqual([[';DROP TABLE readings']]);
    expect(count(sensors())).toBeGreaterThanOrEqual(50);
  });

  it.each([
    ['INSERT', "INSERT INTO readings (t) VALUES (99)", 'INSERT is not read-only SQL'],
    ['UPDATE', 'UPDATE readings SET v = 0', 'UPDATE is not read-only SQL'],
    ['DELETE', 'DELETE FROM readings', 'DELETE is not read-only SQL'],
    ['DROP', 'DROP TABLE readings', 'DROP is not read-only SQL'],
    ['CREATE TEMP', 'CREATE TEMP TABLE x (a)', 'CREATE is not read-only SQL'],
    ['ATTACH', "ATTACH DATABASE '/etc/passwd' AS leak", 'ATTACH is not read-only SQL'],
    ['VACUUM INTO', "VACUUM INTO '/tmp/pimcp-copy.db'", 'VACUUM is not read-only SQL'],
    ['PRAGMA writable_schema', 'PRAGMA writable_schema = 1', 'PRAGMA writable_schema is not allowed'],
    ['PRAGMA setting an allowed name', 'PRAGMA main.table_info = 1', 'PRAGMAs that set a value are not allowed'],
    ['a write hidden behind WITH (stopped by the authorizer)', 'WITH c AS (SELECT 1) DELETE FROM readings', 'SQLite refused the statement (not authorized)'],
    ['an INSERT behind WITH (stopped by the authorizer)', 'WITH c(x) AS (SELECT 99) INSERT INTO readings (t) SELECT x FROM c', 'not authorized'],
    ['loading an extension', "SELECT load_extension('/tmp/evil.so')", 'not authorized'],
  ])('refuses %s in read-only SQL, changing nothing', async (_label, sql, message) => {
    const before = count(sensors());
    const result = await query({ database: 'sensors', sql });
    expect(result.isError).toBe(true);
    expect(resultText(result)).toContain(message);
    expect(count(sensors())).toBe(before);
  });

  it('writes through a named statement when the database allows writes', async () => {
    const before = count(sensors());
    const added = output(await query({ database: 'sensors', statement: 'addReading', params: [1000, 1.5, 'manual'] }));
    expect(added).toMatchObject({ changes: 1, rowCount: 0 });
    expect(count(sensors())).toBe(before + 1);
    expect(output(await query({ database: 'sensors', statement: 'dropAfter', params: { after: 999 } })).changes).toBe(1);
    expect(count(sensors())).toBe(before);
  });

  it('refuses a named write on a database without allowWrites', async () => {
    const result = await query({ database: 'archive', statement: 'addReading', params: [1000, 1, 'x'] });
    expect(result.isError).toBe(true);
    expect(resultText(result)).toContain('database "archive" is read-only on this node (allowWrites is off)');
    expect(count(archive())).toBe(50);
  });

  it('runs only declared statements on a statements-only database', async () => {
    expect(output(await query({ database: 'locked', statement: 'latest' })).rows).toEqual([[50]]);
    expect(resultText(await query({ database: 'locked', sql: 'SELECT 1' }))).toContain('runs only its declared statements (latest)');
  });

  it.each([
    ['an unknown database', { database: 'secrets', sql: 'SELECT 1' }, 'no database named "secrets" on this node; databases: sensors, archive, locked, missing'],
    ['an unknown statement', { database: 'sensors', statement: 'dropAll' }, 'no statement named "dropAll" for database "sensors"; statements: addReading, dropAfter'],
    ['both sql and a statement', { database: 'sensors', sql: 'SELECT 1', statement: 'addReading' }, 'give exactly one of "sql"'],
    ['neither sql nor a statement', { database: 'sensors' }, 'give exactly one of "sql"'],
    ['a missing database file', { database: 'missing', sql: 'SELECT 1' }, 'SQLite error on "missing": unable to open database file'],
    ['SQL that SQLite rejects', { database: 'sensors', sql: 'SELECT nope FROM readings' }, 'no such column: nope'],
  ])('refuses %s', async (_label, args, message) => {
    const result = await query(args);
    expect(result.isError).toBe(true);
    expect(resultText(result)).toContain(message);
  });

  it('stops a query at the time limit by killing its process', async () => {
    const started = Date.now();
    const result = await query({ database: 'sensors', sql: SLOW });
    expect(result.isError).toBe(true);
    expect(resultText(result)).toContain('ran longer than 6000 ms and was stopped');
    expect(Date.now() - started).toBeLessThan(12_000);
    expect(await pollUntil(() => childProcesses('node:sqlite').length === 0, 5000)).toBe(true);
  });

  it('kills the query when the call is aborted', async () => {
    const controller = new AbortController();
    const call = query({ database: 'sensors', sql: SLOW }, { signal: controller.signal });
    expect(await pollUntil(() => childProcesses('node:sqlite').length === 1, 5000)).toBe(true);
    controller.abort(new Error('cancelled by the client'));
    await expect(call).rejects.toThrow('cancelled by the client');
    expect(await pollUntil(() => childProcesses('node:sqlite').length === 0, 5000)).toBe(true);
  });

  it('refuses arguments outside its schema', async () => {
    await expect(query({ database: 'sensors', sql: 'SELECT 1', maxRows: 21 })).rejects.toMatchObject({ code: ErrorCode.InvalidArguments });
    await expect(query({ database: 'sensors', sql: 'SELECT ?', params: [{ nested: 1 }] })).rejects.toMatchObject({ code: ErrorCode.InvalidArguments });
    await expect(query({ database: 'sensors', sql: 'SELECT 1', path: '/etc/x.db' })).rejects.toMatchObject({ code: ErrorCode.InvalidArguments });
  });
});

describe('parseDbQueryConfig', () => {
  it.each([undefined, null, {}])('names no database for an absent or empty section (%p): the plugin offers no tool', (raw) => {
    expect(dbQueryPlugin(parseDbQueryConfig(raw)).tools).toEqual([]);
  });

  it('lists every problem with its field path', () => {
    let error: PimcpError | undefined;
    try {
      parseDbQueryConfig({
        databases: {
          'bad name': { path: '/data/x.db' },
          rel: { path: 'x.db', allowWrites: 'yes' },
          multi: { path: '/data/m.db', statements: { both: 'INSERT INTO a VALUES (1); DELETE FROM a', 'not ok': 'SELECT 1' } },
          none: { path: '/data/n.db', allowQueries: false },
        },
        maxRows: -1,
        postgres: { url: 'postgres://' },
      });
    } catch (err) {
      error = err as PimcpError;
    }
    expect(error?.code).toBe(ErrorCode.InvalidRequest);
    expect(error?.problems.map((p) => p.path).sort()).toEqual([
      'databases.multi.statements.both', 'databases.multi.statements["not ok"]', 'databases.none', 'databases.rel.allowWrites',
      'databases.rel.path', 'databases["bad name"]', 'maxRows', 'postgres',
    ].sort());
  });
});
