import { statSync } from 'node:fs';
import { dirname, isAbsolute, normalize } from 'node:path';
import { IsBoolean, IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ConfigProblems, isEmptyConfig } from '../common/config-problems';

const MIB = 1024 * 1024;
const INDEX_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
/** Vectors of one index live in one Float32Array: bounded so a typo cannot ask a board for 40 GB. */
export const VECTOR_MAX_INDEX_BYTES = 2 * 1024 * MIB;

export const VECTOR_DEFAULTS = {
  maxVectors: 100_000,
  readOnly: true,
  maxK: 100,
  maxBatch: 256,
  maxMetadataBytes: 1024,
  compactLogBytes: 64 * MIB,
} as const;

class VectorIndexDto {
  @IsString() @MaxLength(4096)
  path!: string;

  @IsInt() @Min(1) @Max(4096)
  dimensions!: number;

  @IsOptional() @IsInt() @Min(1) @Max(10_000_000)
  maxVectors?: number;

  /** Default true: vector.search only; vector.add and vector.delete are refused. */
  @IsOptional() @IsBoolean()
  readOnly?: boolean;
}

class VectorConfigDto {
  @IsOptional() @IsObject({ message: 'indexes must map index names to settings' })
  indexes?: Record<string, unknown>;

  @IsOptional() @IsInt() @Min(1) @Max(1000)
  maxK?: number;

  @IsOptional() @IsInt() @Min(1) @Max(4096)
  maxBatch?: number;

  @IsOptional() @IsInt() @Min(0) @Max(65_536)
  maxMetadataBytes?: number;

  @IsOptional() @IsInt() @Min(MIB) @Max(4096 * MIB)
  compactLogBytes?: number;
}

export interface VectorIndexEntry {
  readonly name: string;
  /** The snapshot file; its append log is the same path plus ".log". */
  readonly path: string;
  readonly dimensions: number;
  readonly maxVectors: number;
  readonly readOnly: boolean;
}

export interface VectorConfig {
  readonly indexes: ReadonlyMap<string, VectorIndexEntry>;
  /** Most neighbours one search returns. */
  readonly maxK: number;
  /** Most vectors one vector.add or ids one vector.delete takes. */
  readonly maxBatch: number;
  /** Most bytes of one vector's metadata, as compact JSON. */
  readonly maxMetadataBytes: number;
  /** When the append log passes this size, the index is written as a new snapshot and the log starts over. */
  readonly compactLogBytes: number;
}

/**
 * Validates the `vector` section of a node's config. Index files need not exist (an index starts
 * empty), but their folder must. Throws INVALID_REQUEST listing every problem with its field path. An
 * absent or empty section names no index: the plugin then offers no tool.
 */
export function parseVectorConfig(raw: unknown, at = ''): VectorConfig {
  const problems = new ConfigProblems('vector', at);
  const config = (isEmptyConfig(raw) ? new VectorConfigDto() : problems.dto(VectorConfigDto, raw, '')) ?? new VectorConfigDto();
  const indexes = new Map<string, VectorIndexEntry>();
  const byPath = new Map<string, string>();
  for (const [name, value, field] of problems.entries(config.indexes, 'indexes')) {
    if (!INDEX_NAME.test(name)) problems.add(field, 'index names are a letter, then letters, digits, "_" or "-" (at most 64)');
    const before = problems.problems.length;
    const dto = problems.dto(VectorIndexDto, value, field);
    if (!dto || problems.problems.length > before) continue;
    const maxVectors = dto.maxVectors ?? VECTOR_DEFAULTS.maxVectors;
    if (dto.dimensions * maxVectors * 4 > VECTOR_MAX_INDEX_BYTES) {
      problems.add(field, `dimensions × maxVectors × 4 bytes is ${Math.ceil((dto.dimensions * maxVectors * 4) / MIB)} MiB; one index holds at most ${VECTOR_MAX_INDEX_BYTES / MIB} MiB of vectors`);
    }
    checkPath(problems, dto.path, `${field}.path`);
    const twin = byPath.get(dto.path);
    if (twin !== undefined) problems.add(`${field}.path`, `is also the file of ${twin}; two indexes would overwrite each other`);
    byPath.set(dto.path, field);
    indexes.set(name, { name, path: dto.path, dimensions: dto.dimensions, maxVectors, readOnly: dto.readOnly ?? VECTOR_DEFAULTS.readOnly });
  }
  problems.throwIfAny();
  return {
    indexes,
    maxK: config.maxK ?? VECTOR_DEFAULTS.maxK,
    maxBatch: config.maxBatch ?? VECTOR_DEFAULTS.maxBatch,
    maxMetadataBytes: config.maxMetadataBytes ?? VECTOR_DEFAULTS.maxMetadataBytes,
    compactLogBytes: config.compactLogBytes ?? VECTOR_DEFAULTS.compactLogBytes,
  };
}

function checkPath(problems: ConfigProblems, path: string, field: string): void {
  if (!isAbsolute(path) || normalize(path) !== path || path.endsWith('/')) {
    problems.add(field, 'must be the absolute, normalised path of an index file, e.g. /srv/pimcp/vectors/notes.idx');
    return;
  }
  try {
    if (!statSync(dirname(path)).isDirectory()) problems.add(field, `${dirname(path)} is not a directory`);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    problems.add(field, code === 'ENOENT' ? `its folder ${dirname(path)} does not exist on this node` : `its folder cannot be used (${code})`);
  }
}
