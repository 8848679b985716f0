import { readFileSync } from 'node:fs';
import { ConfigError } from './config-error';
import { parseSetting } from './parse-setting';
import type { ConfigDefinition, ConfigOf } from './setting';

export interface ConfigSources {
  env?: NodeJS.ProcessEnv;
  /**
   * YAML file whose top-level keys are the definition's keys; env wins over the file. Defaults to the file
   * PIMCP_CONFIG names; `false` reads environment variables only (settings shared by every app, such as logging,
   * which an app's own file does not hold).
   */
  yamlFile?: string | false;
}

/** The environment variable that names an app's YAML config file. */
export const CONFIG_FILE_ENV = 'PIMCP_CONFIG';

/**
 * Validates an app's configuration once and caches it. `reset()` is the hook tests use
 * after changing the environment.
 */
export class ConfigLoader<D extends ConfigDefinition> {
  private cached: ConfigOf<D> | undefined;

  constructor(readonly definition: D) {}

  get(sources: ConfigSources = {}): ConfigOf<D> {
    this.cached ??= this.load(sources);
    return this.cached;
  }

  reset(): void {
    this.cached = undefined;
  }

  /** Reads and validates without caching; throws ConfigError naming every bad variable. */
  load(sources: ConfigSources = {}): ConfigOf<D> {
    const env = sources.env ?? process.env;
    const envOnly = sources.yamlFile === false;
    const file = envOnly ? undefined : (sources.yamlFile ?? env[CONFIG_FILE_ENV]);
    const fromFile = file ? readYaml(file) : {};
    const problems: string[] = [];
    const unknown = Object.keys(fromFile).filter((k) => !(k in this.definition));
    for (const key of unknown) {
      problems.push(`${file}: unknown key "${key}" (known keys: ${Object.keys(this.definition).join(', ')})`);
    }
    const result: Record<string, unknown> = {};
    for (const [key, setting] of Object.entries(this.definition)) {
      const fromEnv = env[setting.env];
      const raw = fromEnv !== undefined && fromEnv !== '' ? fromEnv : fromFile[key];
      const where = (fromEnv !== undefined && fromEnv !== '') || envOnly ? setting.env : `${setting.env} (or "${key}" in ${file ?? 'the YAML file'})`;
      if (raw === undefined || raw === null) {
        if (setting.default === undefined) problems.push(`${where} is required: ${setting.description}`);
        else result[key] = setting.default;
        continue;
      }
      const parsed = parseSetting(setting, raw);
      if ('problem' in parsed) problems.push(`${where} ${parsed.problem}`);
      else result[key] = parsed.value;
    }
    if (problems.length > 0) throw new ConfigError(problems);
    return result as ConfigOf<D>;
  }
}

function readYaml(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`${CONFIG_FILE_ENV}=${file} cannot be read: ${(err as Error).message}`]);
  }
  // Loaded only for a config file: apps configured by environment variables alone (most edge nodes) skip it.
  const { parse: parseYaml } = require('yaml') as typeof import('yaml');
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ConfigError([`${file} is not valid YAML: ${(err as Error).message}`]);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigError([`${file} must hold a YAML mapping of settings`]);
  return doc as Record<string, unknown>;
}
