/** include/exclude globs over a bridged server's own tool names (`*` matches any run of characters). */
export function toolNameFilter(include: readonly string[], exclude: readonly string[]): (name: string) => boolean {
  const included = include.map(globToRegExp);
  const excluded = exclude.map(globToRegExp);
  return (name) => included.some((r) => r.test(name)) && !excluded.some((r) => r.test(name));
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}
