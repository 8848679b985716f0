import { runTool, type ToolContext, type ToolDefinition, type ToolResult } from '@pimcp/plugin-sdk';
import { PgliteProcess } from '../../test-support/pglite-process.util';
import { resultText } from '../../test-support/result-text.util';
import { toolContext } from '../../test-support/tool-context';
import { parseDbQueryConfig } from './db-query.config';
import { dbQueryTool } from './db-query.tool';
import { PostgresPools } from './postgres-query';

interface QueryOutput {
  columns: string[];
  rows: unknown[][];
  rowCount: number;
  truncated: boolean;
  changes?: number;
}

/** db.query against real PostgreSQL: PGlite (PostgreSQL compiled to WASM) served over the wire protocol on loopback. */
describe('db.query on PostgreSQL', () => {
  let postgres: PgliteProcess;
  let tool: ToolDefinition;
  const pools = new PostgresPools();
  const query = (args: Record<string, unknown>, ctx: Partial<ToolContext> = {}): Promise<ToolResult> => runTool(tool, args, toolContext(ctx));
  const output = (result: ToolResult) => result.structuredContent as unknown as QueryOutput;
  const count = async () => Number((await postgres.query<{ n: string }>('SELECT count(*) AS n FROM readings'))[0]?.n);

  beforeAll(async () => {
    postgres = await PgliteProcess.start(`CREATE TABLE readings (t int PRIMARY KEY, v double precision, label text, raw bytea, at timestamptz, big bigint);
      INSERT INTO readings SELECT t, t / 2.0, 'sensor-' || (t % 3), CASE WHEN t = 1 THEN '\\xdead'::bytea END, '2026-01-01T00:00:00Z'::timestamptz, 9007199254740993
      FROM generate_series(1, 50) AS t;
      CREATE SEQUENCE ticket_seq;`);
    const { host, port } = postgres;
    process.env['PIMCP_TEST_PG_PASSWORD'] = 'not-in-the-config';
    const connection = { kind: 'postgres', host, port, database: 'postgres', user: 'postgres', passwordEnv: 'PIMCP_TEST_PG_PASSWORD' };
    const config = parseDbQueryConfig({
      maxRows: 20,
      timeoutMs: 1500,
      databases: {
        shop: { ...connection, allowWrites: true, statements: { addReading: 'INSERT INTO readings (t, v, label) VALUES ($1, $2, $3)' } },
        shopReadOnly: { url: `postgres://postgres@${host}:${port}/postgres`, kind: 'postgres', statements: { addReading: 'INSERT INTO readings (t, v, label) VALUES ($1, $2, $3)' } },
      },
    });
    tool = dbQueryTool(config, pools);
  }, 300_000);

  afterAll(async () => {
    await pools.close();
    await postgres?.stop();
  });

  it('runs a parameterized SELECT and returns columns and rows as JSON (bytea base64, timestamps ISO, int8 exact)', async () => {
    const result = await query({ database: 'shop', sql: 'SELECT t, label, raw, at, big FROM readings WHERE t <= $1 AND label = $2 ORDER BY t', params: [4, 'sensor-1'] });
    expect(result.isError).toBeUndefined();
    expect(output(result)).toMatchObject({
      columns: ['t', 'label', 'raw', 'at', 'big'],
      rows: [[1, 'sensor-1', { base64: Buffer.from([0xde, 0xad]).toString('base64') }, '2026-01-01T00:00:00.000Z', '9007199254740993'], [4, 'sensor-1', null, '2026-01-01T00:00:00.000Z', '9007199254740993']],
      rowCount: 2, truncated: false,
    });
  });

  it('stops at the row limit on the server and says the result was truncated', async () => {
    const all = output(await query({ database: 'shop', sql: 'SELECT t FROM readings ORDER BY t;' }));
    expect(all).toMatchObject({ rowCount: 20, truncated: true });
    expect(all.rows[19]).toEqual([20]);
    expect(output(await query({ database: 'shop', sql: 'WITH x AS (SELECT t FROM readings) SELECT t FROM x ORDER BY t', maxRows: 5 }))).toMatchObject({ rowCount: 5, truncated: true });
    expect(output(await query({ database: 'shop', sql: 'VALUES (1), (2)' }))).toMatchObject({ rows: [[1], [2]], truncated: false });
  });

  it('refuses writes in caller SQL, before PostgreSQL (lexer) and inside it (READ ONLY transaction); nothing changes', async () => {
    const before = await count();
    const insert = await query({ database: 'shop', sql: "INSERT INTO readings (t) VALUES (999)" });
    expect(insert.isError).toBe(true);
    expect(resultText(insert)).toContain('INSERT is not read-only SQL');
    const cte = await query({ database: 'shop', sql: 'WITH gone AS (DELETE FROM readings RETURNING t) SELECT count(*) FROM gone' });
    expect(cte.isError).toBe(true);
    // Switching the transaction to read-write from inside the query is refused by PostgreSQL.
    const escape = await query({ database: 'shop', sql: "SELECT set_config('transaction_read_only', 'off', true), nextval('ticket_seq')" });
    expect(escape.isError).toBe(true);
    expect(resultText(escape)).toContain('transaction read-write mode must be set before any query');
    // A SELECT that writes (a sequence step) passes the lexer: the READ ONLY transaction stops it.
    const next = await query({ database: 'shop', sql: "SELECT nextval('ticket_seq')" });
    expect(resultText(next)).toMatch(/PostgreSQL refused to write \(cannot execute nextval\(\) in a read-only transaction\)/);
    expect(await postgres.query('SELECT is_called FROM ticket_seq')).toEqual([{ is_called: false }]);
    expect(await count()).toBe(before);
  });

  it('keeps injection attempts harmless: values are bound, never spliced, and one statement per call', async () => {
    const before = await count();
    const bound = await query({ database: 'shop', sql: 'SELECT t FROM readings WHERE label = $1', params: ["x'; DROP TABLE readings; --"] });
    expect(output(bound)).toMatchObject({ rowCount: 0 });
    const stacked = await query({ database: 'shop', sql: 'SELECT 1; DROP TABLE readings' });
    expect(stacked.isError).toBe(true);
    expect(resultText(stacked)).toContain('exactly one statement');
    const escaped = await query({ database: 'shop', sql: 'SELECT t FROM readings WHERE t = 1) AS q; DROP TABLE readings; --' });
    expect(escaped.isError).toBe(true);
    const named = await query({ database: 'shop', sql: 'SELECT :t', params: { t: 1 } });
    expect(resultText(named)).toContain('positional parameters');
    expect(await count()).toBe(before);
  });

  it('writes through a named statement only where allowWrites is on', async () => {
    const before = await count();
    const added = await query({ database: 'shop', statement: 'addReading', params: [101, 3.5, 'manual'] });
    expect(output(added)).toMatchObject({ changes: 1, rows: [] });
    expect(await count()).toBe(before + 1);
    const refused = await query({ database: 'shopReadOnly', statement: 'addReading', params: [102, 1, 'manual'] });
    expect(refused.isError).toBe(true);
    expect(resultText(refused)).toContain('PostgreSQL refused to write');
    expect(await count()).toBe(before + 1);
  });

  it('stops a query at its time limit with a tool error, without waiting for the server', async () => {
    const started = Date.now();
    const slow = await query({ database: 'shop', sql: 'SELECT count(*) FROM generate_series(1, 200000000)' }, { deadline: Date.now() + 300 });
    expect(slow.isError).toBe(true);
    expect(resultText(slow)).toContain('took longer than the limit');
    expect(Date.now() - started).toBeLessThan(3000);
  }, 120_000);
});
