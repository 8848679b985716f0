import { InvalidArgumentError } from 'commander';

/** Commander parsers: a bad value is a usage error (exit 2) with a message naming what is expected. */
export function positiveInt(max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < 1 || n > max) throw new InvalidArgumentError(`expected a whole number from 1 to ${max}`);
    return n;
  };
}

export function nonNegativeInt(value: string): number {
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(Number(value))) throw new InvalidArgumentError('expected a whole number (0 or more)');
  return Number(value);
}

/** Seconds, as a number (1.5) or with a unit: 90s, 15m, 12h, 30d. */
export function duration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(s|m|h|d)?$/.exec(value.trim());
  const n = match ? Number(match[1]) * { s: 1, m: 60, h: 3600, d: 86_400 }[(match[2] ?? 's') as 's' | 'm' | 'h' | 'd'] : NaN;
  if (!(n > 0)) throw new InvalidArgumentError('expected a duration such as 30 (seconds), 90s, 15m, 12h or 30d');
  return n;
}

/** For repeatable options (--arg a=1 --arg b=2). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
