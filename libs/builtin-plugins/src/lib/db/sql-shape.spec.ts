import { readOnlySqlRefusal } from './read-only-sql';
import { sqlShape } from './sql-shape';

describe('sqlShape', () => {
  it.each([
    ['SELECT 1', 1, 'SELECT'],
    ['  select 1 ;  ', 1, 'SELECT'],
    ['SELECT 1; SELECT 2', 2, 'SELECT'],
    ["SELECT 'a;b' AS \"c;d\", [e;f], `g;h`", 1, 'SELECT'],
    ["SELECT 'it''s; fine'", 1, 'SELECT'],
    ['SELECT 1 -- ; DROP TABLE x\n', 1, 'SELECT'],
    ['/* DELETE; */ SELECT 1 /* ; */', 1, 'SELECT'],
    ['SELECT 1;;;', 1, 'SELECT'],
    ['-- only a comment', 0, ''],
    ['SELECT 1;\nDELETE FROM t', 2, 'SELECT'],
    ["SELECT 'unterminated; DROP", 1, 'SELECT'],
  ])('reads %p as %i statement(s) starting with %p', (sql, statements, keyword) => {
    expect(sqlShape(sql)).toMatchObject({ statements, keyword });
  });
});

describe('readOnlySqlRefusal', () => {
  it.each([
    'SELECT * FROM t WHERE a = ?', 'with x as (select 1) select * from x', 'VALUES (1), (2)', 'EXPLAIN QUERY PLAN SELECT 1',
    'PRAGMA table_info(readings)', 'PRAGMA main.index_list("readings")',
  ])('accepts %p', (sql) => {
    expect(readOnlySqlRefusal(sql)).toBeUndefined();
  });

  it.each([
    ['', 'holds no statement'],
    ['SELECT 1; SELECT 2', 'exactly one statement'],
    ['REPLACE INTO t VALUES (1)', 'REPLACE is not read-only SQL'],
    ['EXPLAIN DELETE FROM t', 'EXPLAIN is not read-only SQL'],
    ['BEGIN', 'BEGIN is not read-only SQL'],
    ['DETACH main', 'DETACH is not read-only SQL'],
    ['PRAGMA journal_mode = DELETE', 'PRAGMA journal_mode is not allowed'],
    ['PRAGMA database_list', 'PRAGMA database_list is not allowed'],
  ])('refuses %p', (sql, message) => {
    expect(readOnlySqlRefusal(sql)).toContain(message);
  });
});
