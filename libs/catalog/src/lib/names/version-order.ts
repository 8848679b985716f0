/** Semantic version precedence (semver.org §11), enough to pick the newest definition of one major version. */
import { SEMVER_PATTERN } from '@pimcp/protocol';

interface ParsedVersion {
  core: [number, number, number];
  prerelease: string[];
}

function parse(version: string): ParsedVersion | undefined {
  const match = SEMVER_PATTERN.exec(version);
  if (!match) return undefined;
  return {
    core: [Number(match[1]), Number(match[2]), Number(match[3])],
    prerelease: match[4] ? match[4].slice(1).split('.') : [],
  };
}

function compareIdentifiers(a: string, b: string): number {
  const numericA = /^\d+$/.test(a);
  const numericB = /^\d+$/.test(b);
  if (numericA && numericB) return Number(a) - Number(b);
  if (numericA !== numericB) return numericA ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Negative when `a` precedes `b`. Versions that are not semantic (never admitted by the registry) sort first. */
export function compareVersions(a: string, b: string): number {
  const pa = parse(a);
  const pb = parse(b);
  if (!pa || !pb) return (pa ? 1 : 0) - (pb ? 1 : 0) || (a < b ? -1 : a > b ? 1 : 0);
  for (let i = 0; i < 3; i++) {
    const diff = (pa.core[i] as number) - (pb.core[i] as number);
    if (diff !== 0) return diff;
  }
  // A release outranks its pre-releases.
  if (pa.prerelease.length === 0 || pb.prerelease.length === 0) return pb.prerelease.length - pa.prerelease.length;
  for (let i = 0; i < Math.min(pa.prerelease.length, pb.prerelease.length); i++) {
    const diff = compareIdentifiers(pa.prerelease[i] as string, pb.prerelease[i] as string);
    if (diff !== 0) return diff;
  }
  return pa.prerelease.length - pb.prerelease.length;
}
