/** A host as it goes into a URL: IPv6 literals in brackets (`[::1]`), anything else unchanged. */
export function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
