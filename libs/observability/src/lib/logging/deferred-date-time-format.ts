/**
 * Runs `load` while `Intl.DateTimeFormat` is a stand-in that builds the real formatter the first time one of its
 * members is used, then puts the real constructor back. `@nestjs/common` builds two formatters when it loads, for
 * the timestamps of its console logger; building one maps ICU's locale and time-zone data, about 8 MiB of RSS,
 * which a process whose logger writes its own timestamps never needs (ADR 0018). Anything created meanwhile
 * behaves as a real formatter, only later; anything created after `load` is a real formatter.
 */
export function withDeferredDateTimeFormat<T>(load: () => T): T {
  const Real = Intl.DateTimeFormat;
  Intl.DateTimeFormat = deferredDateTimeFormat(Real);
  try {
    return load();
  } finally {
    Intl.DateTimeFormat = Real;
  }
}

function deferredDateTimeFormat(Real: typeof Intl.DateTimeFormat): typeof Intl.DateTimeFormat {
  function DeferredDateTimeFormat(locales?: string | string[], options?: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
    let real: Intl.DateTimeFormat | undefined;
    const formatter = () => (real ??= new Real(locales, options));
    // The target only answers `instanceof Intl.DateTimeFormat`; every member comes from the real formatter.
    return new Proxy(Object.create(Real.prototype) as Intl.DateTimeFormat, {
      get: (_target, key) => {
        const value: unknown = Reflect.get(formatter(), key);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(formatter()) : value;
      },
    });
  }
  DeferredDateTimeFormat.prototype = Real.prototype;
  DeferredDateTimeFormat.supportedLocalesOf = (...args: Parameters<typeof Real.supportedLocalesOf>) => Real.supportedLocalesOf(...args);
  return DeferredDateTimeFormat as unknown as typeof Intl.DateTimeFormat;
}
