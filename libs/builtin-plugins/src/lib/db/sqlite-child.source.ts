/**
 * The program the SQLite child process runs (passed to `node -e`, so a bundle needs no second file).
 * It opens the database, runs one job, answers over IPC and exits. A query runs in native code that
 * neither a worker's terminate() nor a timer can interrupt, so the parent's only sure stop is SIGKILL
 * of this whole process.
 */
export const SQLITE_CHILD_SOURCE = `
'use strict';
const { DatabaseSync, constants: C } = require('node:sqlite');
process.on('disconnect', () => process.exit(1));
process.once('message', (job) => {
  let reply;
  try {
    reply = run(job);
  } catch (err) {
    reply = { ok: false, message: String((err && err.message) || err), code: err && err.code };
  }
  process.send(reply, () => process.exit(0));
});

function authorizer(pragmas) {
  const reads = new Set([C.SQLITE_SELECT, C.SQLITE_READ, C.SQLITE_FUNCTION, C.SQLITE_RECURSIVE]);
  return (action, arg1) => {
    if (reads.has(action)) return C.SQLITE_OK;
    if (action === C.SQLITE_PRAGMA && pragmas.includes(String(arg1).toLowerCase())) return C.SQLITE_OK;
    return C.SQLITE_DENY;
  };
}

function value(v) {
  if (typeof v === 'bigint') return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v.toString();
  if (v instanceof Uint8Array) return { base64: Buffer.from(v).toString('base64') };
  return v;
}

function run(job) {
  const db = new DatabaseSync(job.path, { readOnly: job.readOnly, allowExtension: false, timeout: job.busyTimeoutMs, readBigInts: true, defensive: true });
  try {
    if (job.restricted) {
      if (db.limits) {
        db.limits.attach = 0;
        db.limits.length = 64 * 1024 * 1024;
      }
      if (typeof db.setAuthorizer === 'function') db.setAuthorizer(authorizer(job.pragmas));
    }
    const stmt = db.prepare(job.sql);
    if (typeof stmt.setReturnArrays === 'function') stmt.setReturnArrays(true);
    const params = Array.isArray(job.params) ? job.params : [job.params];
    let names = typeof stmt.columns === 'function' ? stmt.columns().map((c) => c.name) : undefined;
    if (names && names.length === 0) {
      const result = stmt.run(...params);
      return { ok: true, columns: [], rows: [], truncated: false, changes: Number(result.changes), lastInsertRowid: String(result.lastInsertRowid) };
    }
    const rows = [];
    let bytes = 0;
    let truncated = false;
    for (const row of stmt.iterate(...params)) {
      if (rows.length >= job.maxRows) { truncated = true; break; }
      if (!names) names = Object.keys(row);
      const values = (Array.isArray(row) ? row : Object.values(row)).map(value);
      bytes += JSON.stringify(values).length;
      if (bytes > job.maxResultBytes) { truncated = true; break; }
      rows.push(values);
    }
    return { ok: true, columns: names || [], rows, truncated };
  } finally {
    db.close();
  }
}
`;
