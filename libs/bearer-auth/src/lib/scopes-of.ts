import type { JWTPayload } from 'jose';

/** `scope` (RFC 9068, space-separated); `scp` as Entra ID and some others send it (a string or an array). */
export function scopesOf(claims: JWTPayload): string[] {
  const raw = claims['scope'] ?? claims['scp'];
  const list = Array.isArray(raw) ? raw.filter((s): s is string => typeof s === 'string') : typeof raw === 'string' ? raw.split(' ') : [];
  return list.filter((s) => s.length > 0);
}
