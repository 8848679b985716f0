import { withDeferredDateTimeFormat } from './deferred-date-time-format';

describe('withDeferredDateTimeFormat', () => {
  const Real = Intl.DateTimeFormat;
  let built: number;

  beforeEach(() => {
    built = 0;
    // Counts the real formatters built, through the constructor withDeferredDateTimeFormat captures.
    function Counting(locales?: string | string[], options?: Intl.DateTimeFormatOptions) {
      built++;
      return new Real(locales, options);
    }
    Counting.prototype = Real.prototype;
    Intl.DateTimeFormat = Counting as unknown as typeof Intl.DateTimeFormat;
  });

  afterEach(() => {
    Intl.DateTimeFormat = Real;
  });

  it('builds no real formatter while loading, and one on first use that formats as a real one does', () => {
    const options: Intl.DateTimeFormatOptions = { year: 'numeric', month: '2-digit', day: '2-digit', hour: 'numeric', minute: 'numeric', timeZone: 'UTC' };
    const formatter = withDeferredDateTimeFormat(() => new Intl.DateTimeFormat('en-US', options));
    expect(built).toBe(0);
    const at = Date.UTC(2026, 11, 4, 16, 49, 7);
    expect(formatter.format(at)).toBe(new Real('en-US', options).format(at));
    expect(formatter.resolvedOptions().timeZone).toBe('UTC');
    expect(formatter).toBeInstanceOf(Real);
    expect(built).toBe(1);
  });

  it('puts the real constructor back afterwards, also when loading throws', () => {
    const counting = Intl.DateTimeFormat;
    expect(() => withDeferredDateTimeFormat(() => {
      throw new Error('load failed');
    })).toThrow('load failed');
    expect(Intl.DateTimeFormat).toBe(counting);
    new Intl.DateTimeFormat('en-US');
    expect(built).toBe(1);
  });
});
