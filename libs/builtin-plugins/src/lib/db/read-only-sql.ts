import { sqlShape } from './sql-shape';

/** PRAGMAs that only describe the schema; the rest can change settings or files, or leak paths. */
export const INTROSPECTION_PRAGMAS: readonly string[] = [
  'table_info', 'table_xinfo', 'table_list', 'index_list', 'index_info', 'index_xinfo', 'foreign_key_list',
];
const READ_KEYWORDS = new Set(['SELECT', 'WITH', 'VALUES']);

/** Why SQL a caller sent is refused before it reaches SQLite, or undefined when it looks read-only. */
export function readOnlySqlRefusal(sql: string): string | undefined {
  const shape = sqlShape(sql);
  if (shape.statements === 0) return 'the SQL holds no statement';
  if (shape.statements > 1) return `db.query runs exactly one statement per call and this SQL holds ${shape.statements}; send each in its own call`;
  const [keyword, second, third, fourth] = shape.tokens;
  if (READ_KEYWORDS.has(keyword)) return undefined;
  if (keyword === 'EXPLAIN') {
    const explained = second === 'QUERY' && third === 'PLAN' ? fourth : second;
    if (READ_KEYWORDS.has(explained ?? '')) return undefined;
  }
  if (keyword === 'PRAGMA') return pragmaRefusal(shape.tokens);
  return `${keyword || 'this statement'} is not read-only SQL. db.query runs SELECT, WITH, VALUES, EXPLAIN of those, and the PRAGMAs ` +
    `${INTROSPECTION_PRAGMAS.join(', ')}; a change to the data needs a named statement the node operator declares under db.query databases.<name>.statements`;
}

/** `PRAGMA [schema.]name` or `PRAGMA [schema.]name(argument)`, never `= value`. */
function pragmaRefusal(tokens: string[]): string | undefined {
  const nameAt = tokens[2] === '.' ? 3 : 1;
  const name = (tokens[nameAt] ?? '').toLowerCase();
  if (!INTROSPECTION_PRAGMAS.includes(name)) return `PRAGMA ${name} is not allowed; allowed PRAGMAs: ${INTROSPECTION_PRAGMAS.join(', ')}`;
  if (tokens.includes('=')) return 'PRAGMAs that set a value are not allowed';
  return undefined;
}
