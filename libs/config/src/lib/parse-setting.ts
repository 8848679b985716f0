import type { Setting, SettingType, SettingValue } from './setting';

/** Converts one raw value (env string or YAML scalar/array) to the setting's type, or returns a problem text. */
export function parseSetting<T extends SettingType>(
  setting: Setting<T>,
  raw: unknown,
): { value: SettingValue<T> } | { problem: string } {
  const parsed = convert(setting.type, raw);
  if ('problem' in parsed) return parsed;
  const value = parsed.value;
  if (setting.type === 'int') {
    const n = value as number;
    if (setting.min !== undefined && n < setting.min) return { problem: `must be >= ${setting.min}` };
    if (setting.max !== undefined && n > setting.max) return { problem: `must be <= ${setting.max}` };
  }
  if (setting.pattern) {
    const items = setting.type === 'list' ? (value as string[]) : setting.type === 'string' ? [value as string] : [];
    const bad = items.find((item) => !setting.pattern?.test(item));
    if (bad !== undefined) {
      const shown = setting.secret ? '(hidden)' : JSON.stringify(bad);
      return { problem: `${shown} is not ${setting.patternHint ?? `matching ${setting.pattern}`}` };
    }
  }
  return { value: value as SettingValue<T> };
}

function convert(type: SettingType, raw: unknown): { value: unknown } | { problem: string } {
  switch (type) {
    case 'int': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
      return Number.isSafeInteger(n) ? { value: n } : { problem: 'must be a whole number' };
    }
    case 'bool': {
      if (typeof raw === 'boolean') return { value: raw };
      const s = String(raw).trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(s)) return { value: true };
      if (['false', '0', 'no', 'off'].includes(s)) return { value: false };
      return { problem: 'must be true or false' };
    }
    case 'list': {
      if (Array.isArray(raw)) return { value: raw.map(String) };
      if (typeof raw === 'string') return { value: raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0) };
      return { problem: 'must be a comma-separated list' };
    }
    case 'string':
      return typeof raw === 'string' || typeof raw === 'number' ? { value: String(raw) } : { problem: 'must be a string' };
    case 'object':
      return toObject(raw);
  }
}

function toObject(raw: unknown): { value: unknown } | { problem: string } {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return { problem: 'must be a JSON object (or a mapping in the YAML file)' };
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { problem: 'must be an object (a YAML mapping, or JSON in the variable)' };
  return { value };
}
