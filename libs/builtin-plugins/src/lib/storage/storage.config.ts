import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, normalize } from 'node:path';
import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { ConfigProblems, isEmptyConfig, isPlainObject } from '../common/config-problems';

const MIB = 1024 * 1024;
const STORE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// S3's own bucket naming rules (lowercase, dots and hyphens, 3 to 63 characters).
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export const STORAGE_DEFAULTS = {
  readOnly: true,
  maxObjectBytes: 1 * MIB,
  maxListKeys: 1000,
  timeoutMs: 30_000,
} as const;

/** Largest object a store may allow: base64 of it must still fit in one gateway request (64 MiB). */
export const STORAGE_MAX_OBJECT_BYTES = 32 * MIB;

class StoreLimitsDto {
  @IsIn(['directory', 's3'])
  kind!: 'directory' | 's3';

  /** Default true: get and list only. */
  @IsOptional() @IsBoolean()
  readOnly?: boolean;

  @IsOptional() @IsInt() @Min(1) @Max(STORAGE_MAX_OBJECT_BYTES)
  maxObjectBytes?: number;

  @IsOptional() @IsInt() @Min(1) @Max(1000)
  maxListKeys?: number;
}

class DirectoryStoreDto extends StoreLimitsDto {
  @IsString() @MaxLength(4096)
  root!: string;
}

class S3StoreDto extends StoreLimitsDto {
  @IsString() @Matches(BUCKET_NAME, { message: 'bucket must be an S3 bucket name: 3 to 63 lowercase letters, digits, "." and "-"' })
  bucket!: string;

  @IsString() @Matches(/^[a-z0-9-]{1,32}$/, { message: 'region must be a region name such as eu-central-1' })
  region!: string;

  @IsOptional() @IsString() @MaxLength(2048)
  endpoint?: string;

  /** Needed by most S3-compatible servers (MinIO, Garage, Ceph): bucket in the path, not in the host name. */
  @IsOptional() @IsBoolean()
  forcePathStyle?: boolean;

  @IsString() @Matches(ENV_NAME, { message: 'accessKeyIdEnv must name an environment variable' })
  accessKeyIdEnv!: string;

  @IsString() @Matches(ENV_NAME, { message: 'secretAccessKeyEnv must name an environment variable' })
  secretAccessKeyEnv!: string;

  @IsOptional() @IsString() @Matches(ENV_NAME, { message: 'sessionTokenEnv must name an environment variable' })
  sessionTokenEnv?: string;
}

class StorageConfigDto {
  @IsOptional() @IsObject({ message: 'stores must map store names to settings' })
  stores?: Record<string, unknown>;

  @IsOptional() @IsInt() @Min(100) @Max(600_000)
  timeoutMs?: number;
}

interface StoreLimits {
  readonly name: string;
  readonly readOnly: boolean;
  readonly maxObjectBytes: number;
  readonly maxListKeys: number;
}

export interface DirectoryStoreEntry extends StoreLimits {
  readonly kind: 'directory';
  /** Real path (symlinks resolved at load) of the directory that holds the objects. */
  readonly root: string;
}

export interface S3StoreEntry extends StoreLimits {
  readonly kind: 's3';
  readonly bucket: string;
  readonly region: string;
  readonly endpoint?: string;
  readonly forcePathStyle: boolean;
  /**
   * Names of the environment variables holding the credentials, never their values: the values are read
   * when the store's client is made, so a config printed or logged carries no secret.
   */
  readonly credentialsEnv: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
}

export type StoreEntry = DirectoryStoreEntry | S3StoreEntry;

export interface StorageConfig {
  readonly stores: ReadonlyMap<string, StoreEntry>;
  /** Each call (every S3 request and retry in it) ends after this long. */
  readonly timeoutMs: number;
}

/**
 * Validates the `storage` section of a node's config. Directory roots must exist at load and are
 * resolved to real paths; credential variables of S3 stores must be set at load. Throws INVALID_REQUEST
 * listing every problem with its field path. An absent or empty section names no store: no tool at all.
 */
export function parseStorageConfig(raw: unknown, at = ''): StorageConfig {
  const problems = new ConfigProblems('storage', at);
  const config = (isEmptyConfig(raw) ? new StorageConfigDto() : problems.dto(StorageConfigDto, raw, '')) ?? new StorageConfigDto();
  const stores = new Map<string, StoreEntry>();
  for (const [name, value, field] of problems.entries(config.stores, 'stores')) {
    if (!STORE_NAME.test(name)) problems.add(field, 'store names are a letter, then letters, digits, "_" or "-" (at most 64)');
    const store = parseStore(problems, name, value, field);
    if (store) stores.set(name, store);
  }
  problems.throwIfAny();
  return { stores, timeoutMs: config.timeoutMs ?? STORAGE_DEFAULTS.timeoutMs };
}

function parseStore(problems: ConfigProblems, name: string, raw: unknown, field: string): StoreEntry | undefined {
  const kind = isPlainObject(raw) ? raw['kind'] : undefined;
  if (kind !== 'directory' && kind !== 's3') {
    if (isPlainObject(raw)) problems.add(`${field}.kind`, 'must be directory (a folder on this node) or s3 (an S3-compatible bucket)');
    else problems.dto(StoreLimitsDto, raw, field);
    return undefined;
  }
  const before = problems.problems.length;
  if (kind === 'directory') {
    const dto = problems.dto(DirectoryStoreDto, raw, field);
    const root = dto && typeof dto.root === 'string' ? parseRoot(problems, dto.root, `${field}.root`) : undefined;
    if (!dto || root === undefined || problems.problems.length > before) return undefined;
    return { kind, name, root, ...limits(dto) };
  }
  const dto = problems.dto(S3StoreDto, raw, field);
  if (!dto) return undefined;
  if (typeof dto.endpoint === 'string') checkEndpoint(problems, dto.endpoint, `${field}.endpoint`);
  for (const key of ['accessKeyIdEnv', 'secretAccessKeyEnv', 'sessionTokenEnv'] as const) {
    const variable = dto[key];
    if (typeof variable === 'string' && ENV_NAME.test(variable) && !process.env[variable]) {
      problems.add(`${field}.${key}`, `environment variable ${variable} is not set on this node`);
    }
  }
  if (problems.problems.length > before) return undefined;
  return {
    kind, name, bucket: dto.bucket, region: dto.region, endpoint: dto.endpoint, forcePathStyle: dto.forcePathStyle ?? false,
    credentialsEnv: { accessKeyId: dto.accessKeyIdEnv, secretAccessKey: dto.secretAccessKeyEnv, sessionToken: dto.sessionTokenEnv },
    ...limits(dto),
  };
}

function limits(dto: StoreLimitsDto): Omit<StoreLimits, 'name'> {
  return {
    readOnly: dto.readOnly ?? STORAGE_DEFAULTS.readOnly,
    maxObjectBytes: dto.maxObjectBytes ?? STORAGE_DEFAULTS.maxObjectBytes,
    maxListKeys: dto.maxListKeys ?? STORAGE_DEFAULTS.maxListKeys,
  };
}

function parseRoot(problems: ConfigProblems, root: string, field: string): string | undefined {
  if (!isAbsolute(root) || normalize(root) !== root) {
    problems.add(field, 'must be the absolute, normalised path of a directory');
    return undefined;
  }
  try {
    const real = realpathSync(root);
    if (statSync(real).isDirectory()) return real;
    problems.add(field, 'is not a directory');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    problems.add(field, code === 'ENOENT' ? 'does not exist on this node' : `cannot be used (${code})`);
  }
  return undefined;
}

function checkEndpoint(problems: ConfigProblems, endpoint: string, field: string): void {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    problems.add(field, 'must be an absolute http(s) URL such as https://s3.example.com');
    return;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') problems.add(field, 'must be an http or https URL');
  else if (url.username || url.password) problems.add(field, 'must not hold credentials; name their environment variables in accessKeyIdEnv and secretAccessKeyEnv');
  else if (url.search || url.hash) problems.add(field, 'must not have a query or fragment');
}
