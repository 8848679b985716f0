// class-transformer's @Type reads design-time metadata.
import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { ErrorCode, PimcpError, type FieldProblem } from '@pimcp/protocol';

type DtoClass<T> = new () => T;

/**
 * Gathers every problem of one plugin's config, each with its field path, so a node operator fixes
 * them all in one go; `throwIfAny` turns them into one INVALID_REQUEST error.
 */
export class ConfigProblems {
  readonly problems: FieldProblem[] = [];

  /** `plugin` names the config in messages; `root` prefixes every field path (e.g. `plugins.shell.run`). */
  constructor(private readonly plugin: string, private readonly root = '') {}

  add(path: string, message: string): void {
    this.problems.push({ path: this.root && path ? `${this.root}.${path}` : this.root || path || '(config)', message });
  }

  /**
   * Checks `raw` against a class-validator DTO (unknown fields are problems too) and returns the typed
   * instance, or undefined when `raw` is not an object. The instance may still hold bad fields: the
   * caller reads it only after `throwIfAny` or with its own type checks.
   */
  dto<T extends object>(cls: DtoClass<T>, raw: unknown, path: string): T | undefined {
    if (!isPlainObject(raw)) {
      this.add(path, `must be a mapping (an object), not ${describe(raw)}`);
      return undefined;
    }
    const instance = plainToInstance(cls, raw);
    const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
    for (const problem of flatten(errors, path)) this.add(problem.path, problem.message);
    return instance;
  }

  /** Entries of a mapping field (`executables`, `databases`, ...); its DTO reports a field that is no mapping. */
  entries(value: unknown, path: string): Array<[string, unknown, string]> {
    if (!isPlainObject(value)) return [];
    return Object.entries(value).map(([key, entry]) => [key, entry, fieldPath(path, key)]);
  }

  throwIfAny(): void {
    if (this.problems.length === 0) return;
    const summary = this.problems.map((p) => `${p.path}: ${p.message}`).join('; ');
    throw new PimcpError(ErrorCode.InvalidRequest, `invalid ${this.plugin} config: ${summary}`, this.problems);
  }
}

/** `databases.sensors`, or `executables["/usr/bin/echo"]` when the key is not a plain name. */
export function fieldPath(parent: string, key: string): string {
  const segment = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
  return parent ? `${parent}${segment}` : segment.replace(/^\./, '');
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** An absent section (undefined, null or `{}` in YAML) is a config that allows nothing. */
export function isEmptyConfig(raw: unknown): boolean {
  return raw === undefined || raw === null || (isPlainObject(raw) && Object.keys(raw).length === 0);
}

function flatten(errors: ValidationError[], parent: string): FieldProblem[] {
  return errors.flatMap((error) => {
    const path = /^\d+$/.test(error.property) ? `${parent}[${error.property}]` : fieldPath(parent, error.property);
    const own = Object.values(error.constraints ?? {}).map((message) => ({ path, message }));
    return [...own, ...flatten(error.children ?? [], path)];
  });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}
