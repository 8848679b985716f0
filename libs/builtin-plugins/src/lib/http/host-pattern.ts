import { isIP } from 'node:net';

/**
 * One allowed host: an exact name (`api.example.com`), a wildcard for its subdomains at any depth
 * (`*.example.com`, which does not match `example.com` itself), or an IP literal. Names are compared in
 * the form the WHATWG URL parser gives them (lowercase, punycode), so `API.Example.com.` cannot slip by.
 */
export class HostPattern {
  private constructor(readonly source: string, private readonly exact: string | undefined, private readonly suffix: string | undefined) {}

  /** The pattern, or why `source` is not one. */
  static parse(source: unknown): HostPattern | string {
    if (typeof source !== 'string' || source.length === 0) return 'host must be a host name such as api.example.com or *.example.com';
    const wildcard = source.startsWith('*.');
    const name = wildcard ? source.slice(2) : source;
    if (name.includes('*')) return 'a wildcard is allowed only as the whole first label, e.g. *.example.com';
    const normal = normaliseHost(isIP(name) === 6 ? `[${name}]` : name);
    if (normal === undefined) return `"${source}" is not a valid host name`;
    if (wildcard && (isIP(normal) || normal.startsWith('['))) return 'a wildcard cannot cover IP addresses';
    if (wildcard && !normal.includes('.')) return `*.${normal} would cover a whole top-level domain; name a registered domain`;
    return wildcard ? new HostPattern(source, undefined, `.${normal}`) : new HostPattern(source, normal, undefined);
  }

  /** Matches nothing; stands in for a rule whose host was rejected. */
  static never(): HostPattern {
    return new HostPattern('(invalid)', undefined, undefined);
  }

  /** `hostname` as in `URL.hostname` (IPv6 in brackets). */
  matches(hostname: string): boolean {
    const host = hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
    if (this.exact !== undefined) return host === this.exact;
    return this.suffix !== undefined && host.endsWith(this.suffix) && host.length > this.suffix.length;
  }
}

/** The URL parser's canonical form of a host (lowercase, punycode, trailing dot dropped), or undefined. */
export function normaliseHost(host: string): string | undefined {
  try {
    const parsed = new URL(`http://${host}/`);
    if (parsed.port !== '' || parsed.username !== '' || parsed.pathname !== '/') return undefined;
    return parsed.hostname.endsWith('.') ? parsed.hostname.slice(0, -1) : parsed.hostname;
  } catch {
    return undefined;
  }
}
