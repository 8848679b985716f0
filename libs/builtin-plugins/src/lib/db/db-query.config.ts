import { isAbsolute, normalize } from 'node:path';
import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, Max, Min } from 'class-validator';
import { ConfigProblems, isEmptyConfig } from '../common/config-problems';
import { type PostgresConnection, postgresConnection, PostgresFieldsDto } from './postgres-connection';
import { sqlShape } from './sql-shape';

const MIB = 1024 * 1024;
const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

export const DB_QUERY_DEFAULTS = {
  maxRows: 500,
  timeoutMs: 5000,
  maxResultBytes: 1 * MIB,
  busyTimeoutMs: 1000,
} as const;

class DatabaseDto extends PostgresFieldsDto {
  /** sqlite (a file on the node, the default) or postgres (a server, usually for cloud nodes). */
  @IsOptional() @IsIn(['sqlite', 'postgres'], { message: 'kind is sqlite or postgres' })
  kind?: 'sqlite' | 'postgres';

  @IsOptional() @IsString()
  path?: string;

  /** Declared only so that a password in the config gets its own message (see postgresConnection). */
  @IsOptional()
  password?: unknown;

  /** Callers may send their own read-only SQL (default), or only run named statements. */
  @IsOptional() @IsBoolean()
  allowQueries?: boolean;

  /** Named statements run on a writable connection; off by default, so even they cannot write. */
  @IsOptional() @IsBoolean()
  allowWrites?: boolean;

  @IsOptional() @IsObject({ message: 'statements must map statement names to SQL' })
  statements?: Record<string, unknown>;
}

class DbQueryConfigDto {
  @IsOptional() @IsObject({ message: 'databases must map database names to settings' })
  databases?: Record<string, unknown>;

  @IsOptional() @IsInt() @Min(1) @Max(100_000)
  maxRows?: number;

  @IsOptional() @IsInt() @Min(100) @Max(600_000)
  timeoutMs?: number;

  @IsOptional() @IsInt() @Min(1024) @Max(64 * MIB)
  maxResultBytes?: number;

  @IsOptional() @IsInt() @Min(0) @Max(60_000)
  busyTimeoutMs?: number;
}

export interface DatabaseEntry {
  readonly name: string;
  readonly kind: 'sqlite' | 'postgres';
  /** The SQLite file (kind sqlite; empty for postgres). */
  readonly path: string;
  /** The server (kind postgres). */
  readonly postgres?: PostgresConnection;
  readonly allowQueries: boolean;
  readonly allowWrites: boolean;
  /** Statement name to SQL, exactly as the operator wrote it. */
  readonly statements: ReadonlyMap<string, string>;
}

export interface DbQueryConfig {
  readonly databases: ReadonlyMap<string, DatabaseEntry>;
  readonly maxRows: number;
  /** Covers starting the SQLite process, opening the file and running the statement. */
  readonly timeoutMs: number;
  readonly maxResultBytes: number;
  /** How long a statement waits for another process's lock before failing. */
  readonly busyTimeoutMs: number;
}

/**
 * Validates the `db.query` section of a node's config. Throws INVALID_REQUEST listing every problem
 * with its field path. An absent or empty section names no database: the plugin then offers no tool.
 * Database files need not exist at load; a call on a missing file is a tool error.
 */
export function parseDbQueryConfig(raw: unknown, at = ''): DbQueryConfig {
  const problems = new ConfigProblems('db.query', at);
  const config = (isEmptyConfig(raw) ? new DbQueryConfigDto() : problems.dto(DbQueryConfigDto, raw, '')) ?? new DbQueryConfigDto();
  const databases = new Map<string, DatabaseEntry>();
  for (const [name, value, field] of problems.entries(config.databases, 'databases')) {
    if (!NAME_PATTERN.test(name)) problems.add(field, 'database names are a letter, then letters, digits, "_" or "-" (at most 64)');
    const dto = problems.dto(DatabaseDto, value, field);
    if (!dto) continue;
    const kind = dto.kind ?? 'sqlite';
    const postgres = kind === 'postgres' ? postgresConnection(dto, field, problems) : undefined;
    if (kind === 'sqlite') sqliteFieldProblems(dto, field, problems);
    else if (dto.path !== undefined) problems.add(`${field}.path`, 'a postgres database has no path; give url or host, database and user');
    const statements = new Map<string, string>();
    for (const [statement, sql, path] of problems.entries(dto.statements, `${field}.statements`)) {
      if (!NAME_PATTERN.test(statement)) problems.add(path, 'statement names are a letter, then letters, digits, "_" or "-"');
      else if (typeof sql !== 'string' || sqlShape(sql).statements !== 1) problems.add(path, 'must be exactly one SQL statement');
      else statements.set(statement, sql);
    }
    if (dto.allowQueries === false && statements.size === 0) problems.add(field, 'allows neither queries nor named statements; remove it or add statements');
    databases.set(name, { name, kind, path: dto.path ?? '', ...(postgres ? { postgres } : {}), allowQueries: dto.allowQueries ?? true, allowWrites: dto.allowWrites ?? false, statements });
  }
  problems.throwIfAny();
  return {
    databases,
    maxRows: config.maxRows ?? DB_QUERY_DEFAULTS.maxRows,
    timeoutMs: config.timeoutMs ?? DB_QUERY_DEFAULTS.timeoutMs,
    maxResultBytes: config.maxResultBytes ?? DB_QUERY_DEFAULTS.maxResultBytes,
    busyTimeoutMs: config.busyTimeoutMs ?? DB_QUERY_DEFAULTS.busyTimeoutMs,
  };
}

const POSTGRES_FIELDS = ['url', 'host', 'port', 'database', 'user', 'passwordEnv', 'ssl', 'password'] as const;

function sqliteFieldProblems(dto: DatabaseDto, field: string, problems: ConfigProblems): void {
  if (typeof dto.path !== 'string') problems.add(`${field}.path`, 'is required for an SQLite database (or set kind: postgres)');
  else if (!isAbsolute(dto.path) || normalize(dto.path) !== dto.path) problems.add(`${field}.path`, 'must be the absolute, normalised path of an SQLite file');
  for (const key of POSTGRES_FIELDS) {
    if (dto[key] !== undefined) problems.add(`${field}.${key}`, 'is a postgres setting; add kind: postgres or remove it');
  }
}
