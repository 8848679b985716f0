/** One configuration setting: where it comes from, its type, and the words the docs show. */
/** `object`: a YAML mapping in the file, or a JSON object in the variable; its contents are the consumer's to check. */
export type SettingType = 'string' | 'int' | 'bool' | 'list' | 'object';

export interface Setting<T extends SettingType = SettingType> {
  /** Environment variable, e.g. PIMCP_REGISTRY_LEASE_TTL_SECONDS. */
  env: string;
  type: T;
  description: string;
  /** Omit to make the setting required. */
  default?: SettingValue<T>;
  /** Inclusive bounds for `int`. */
  min?: number;
  max?: number;
  /** For `string` and each `list` item. */
  pattern?: RegExp;
  /** Human hint shown when `pattern` fails, e.g. "host:port". */
  patternHint?: string;
  /** Never echoed in errors or dumps. */
  secret?: boolean;
}

export type SettingValue<T extends SettingType> = T extends 'int'
  ? number
  : T extends 'bool'
    ? boolean
    : T extends 'list'
      ? readonly string[]
      : T extends 'object'
        ? Readonly<Record<string, unknown>>
        : string;

export type ConfigDefinition = Record<string, Setting>;

export type ConfigOf<D extends ConfigDefinition> = {
  readonly [K in keyof D]: SettingValue<D[K]['type']>;
};
