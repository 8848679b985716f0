/**
 * The outline of a piece of SQL, read by a small SQLite-aware lexer: how many statements it holds and
 * how the first one starts. Strings, quoted identifiers and comments are skipped, so a ";" or keyword
 * inside them counts for nothing. This is one of three layers: SQLite's authorizer and a read-only
 * connection enforce the same rules in the engine.
 */
export interface SqlShape {
  /** Non-empty statements (text between semicolons other than whitespace and comments). */
  statements: number;
  /** The first word of the first statement, upper-cased ('' when there is none). */
  keyword: string;
  /** Upper-cased words and single punctuation characters of the first statement, in order. */
  tokens: string[];
}

export function sqlShape(sql: string): SqlShape {
  let statements = 0;
  let inStatement = false;
  const tokens: string[] = [];
  const first = () => statements <= 1;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end + 1;
    } else if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 2;
    } else if (c === ';') {
      inStatement = false;
      i++;
    } else {
      if (!inStatement) {
        inStatement = true;
        statements++;
      }
      if (c === '\'' || c === '"' || c === '`' || c === '[') {
        i = skipQuoted(sql, i, c === '[' ? ']' : c);
        if (first()) tokens.push(c === '\'' ? '<string>' : '<identifier>');
      } else if (/[A-Za-z_]/.test(c)) {
        const start = i;
        while (i < sql.length && /[A-Za-z0-9_$]/.test(sql[i])) i++;
        if (first()) tokens.push(sql.slice(start, i).toUpperCase());
      } else {
        if (first()) tokens.push(c);
        i++;
      }
    }
  }
  const keyword = tokens.find((t) => /^[A-Z_]/.test(t)) ?? '';
  return { statements, keyword, tokens };
}

/** Index after a quoted string or identifier starting at `start`; a doubled quote is an escaped one. */
function skipQuoted(sql: string, start: number, close: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === close) {
      if (close !== ']' && sql[i + 1] === close) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return sql.length; // unterminated: SQLite rejects it when preparing
}
