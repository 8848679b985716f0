import { HostPattern } from './host-pattern';

const pattern = (source: string): HostPattern => {
  const parsed = HostPattern.parse(source);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
};

describe(HostPattern.name, () => {
  describe('matches', () => {
    it('matches an exact name as the URL parser normalises it', () => {
      const api = pattern('API.Example.com');
      expect(api.matches(new URL('http://api.example.com./x').hostname)).toBe(true);
      expect(api.matches('api.example.com')).toBe(true);
      expect(api.matches('api.example.com.evil.net')).toBe(false);
      expect(api.matches('xapi.example.com')).toBe(false);
    });

    it('matches subdomains for a wildcard, but not the bare domain nor look-alikes', () => {
      const any = pattern('*.example.com');
      expect(any.matches('a.example.com')).toBe(true);
      expect(any.matches('a.b.example.com')).toBe(true);
      expect(any.matches('example.com')).toBe(false);
      expect(any.matches('badexample.com')).toBe(false);
    });

    it('matches IP literals in URL form', () => {
      expect(pattern('::1').matches(new URL('http://[::1]/').hostname)).toBe(true);
      expect(pattern('10.0.0.1').matches(new URL('http://10.0.0.1/').hostname)).toBe(true);
      // The URL parser turns these spellings into 10.0.0.1 before any match.
      expect(pattern('10.0.0.1').matches(new URL('http://0x0a.0.0.1/').hostname)).toBe(true);
    });
  });

  describe('parse', () => {
    it.each([
      ['*', 'only as the whole first label'],
      ['*.com', 'whole top-level domain'],
      ['a.*.com', 'only as the whole first label'],
      ['*.10.0.0.1', 'cannot cover IP addresses'],
      ['host:8080', 'not a valid host name'],
      ['', 'must be a host name'],
    ])('refuses %p', (source, message) => {
      expect(HostPattern.parse(source)).toEqual(expect.stringContaining(message));
    });
  });
});
