import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import type { ConfigProblems } from '../common/config-problems';

/** Where a PostgreSQL database is and who connects; the password stays in the environment variable named here. */
export interface PostgresConnection {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  /** The name of the environment variable holding the password, read when the node connects; never the secret. */
  readonly passwordEnv?: string;
  readonly ssl: boolean;
}

/** The connection fields a `kind: postgres` database entry may carry (besides the shared ones). */
export class PostgresFieldsDto {
  @IsOptional() @IsString() @MaxLength(2048)
  url?: string;

  @IsOptional() @IsString() @MaxLength(255)
  host?: string;

  @IsOptional() @IsInt() @Min(1) @Max(65_535)
  port?: number;

  @IsOptional() @IsString() @MaxLength(63)
  database?: string;

  @IsOptional() @IsString() @MaxLength(63)
  user?: string;

  @IsOptional() @IsString() @Matches(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'passwordEnv names an environment variable (letters, digits, "_")' })
  passwordEnv?: string;

  @IsOptional() @IsBoolean()
  ssl?: boolean;
}

/**
 * The connection of a postgres entry, from `url` (postgres://user@host:port/db, no password in it) or the separate
 * fields (which win over the URL's). A password in the config is a problem: it belongs in an environment variable.
 */
export function postgresConnection(dto: PostgresFieldsDto & { password?: unknown }, field: string, problems: ConfigProblems): PostgresConnection | undefined {
  if (dto.password !== undefined) problems.add(`${field}.password`, 'never put a password in the config: set it in an environment variable and name that variable in passwordEnv');
  let fromUrl: Partial<PostgresConnection> = {};
  if (dto.url !== undefined) {
    const parsed = parseUrl(dto.url);
    if (typeof parsed === 'string') problems.add(`${field}.url`, parsed);
    else fromUrl = parsed;
  }
  const host = dto.host ?? fromUrl.host;
  const database = dto.database ?? fromUrl.database;
  const user = dto.user ?? fromUrl.user;
  if (!host) problems.add(field, 'a postgres database needs host (or url)');
  if (!database) problems.add(field, 'a postgres database needs database (or a url with a path, postgres://host/dbname)');
  if (!user) problems.add(field, 'a postgres database needs user (or a url with a user, postgres://user@host/dbname)');
  if (!host || !database || !user) return undefined;
  return { host, database, user, port: dto.port ?? fromUrl.port ?? 5432, ssl: dto.ssl ?? false, ...(dto.passwordEnv ? { passwordEnv: dto.passwordEnv } : {}) };
}

function parseUrl(raw: string): Partial<PostgresConnection> | string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not a URL; write postgres://user@host:5432/database';
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') return 'must start with postgres:// or postgresql://';
  if (url.password) return 'holds a password: remove it from the URL, set it in an environment variable and name that variable in passwordEnv';
  if (url.search) return 'takes no query parameters; use the ssl field';
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    ...(url.port ? { port: Number(url.port) } : {}),
    ...(database ? { database } : {}),
    ...(url.username ? { user: decodeURIComponent(url.username) } : {}),
  };
}
