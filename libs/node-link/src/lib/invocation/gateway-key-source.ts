import { createPublicKey } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { calculateJwkThumbprint, createLocalJWKSet, createRemoteJWKSet, exportJWK, type JWTVerifyGetKey } from 'jose';
import type { JsonWebKeySet } from './invocation-token';

/** How long a key file's modification time is trusted before it is looked at again (rotation without restart). */
const FILE_RECHECK_MS = 1000;
const PEM_BLOCK = /-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g;

/**
 * The gateway public keys a node trusts, from a file (a JWKS, or one or more PEM public keys: several keys let a
 * rotation overlap) that is re-read when it changes.
 */
export function fileGatewayKeys(path: string, now: () => number = Date.now): JWTVerifyGetKey {
  let loaded: { mtimeMs: number; getKey: JWTVerifyGetKey } | undefined;
  let checkedAt = -Infinity;
  let loading: Promise<JWTVerifyGetKey> | undefined;
  const current = async (): Promise<JWTVerifyGetKey> => {
    if (loaded && now() - checkedAt < FILE_RECHECK_MS) return loaded.getKey;
    checkedAt = now();
    const mtimeMs = statSync(path).mtimeMs;
    if (loaded && loaded.mtimeMs === mtimeMs) return loaded.getKey;
    loading ??= parseKeyFile(readFileSync(path, 'utf8'), path).then((jwks) => {
      loaded = { mtimeMs, getKey: createLocalJWKSet(jwks) };
      return loaded.getKey;
    }).finally(() => (loading = undefined));
    return loading;
  };
  return async (header, token) => (await current())(header, token);
}

/** The keys a gateway serves at its invocation JWKS URL; fetched on first use and again when an unknown kid shows up. */
export function urlGatewayKeys(url: string): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(url), { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
}

/** A JWKS document, or PEM public keys (each gets its RFC 7638 thumbprint as kid, as the gateway's signer does). */
export async function parseKeyFile(text: string, origin: string): Promise<JsonWebKeySet> {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    const jwks = JSON.parse(trimmed) as Partial<JsonWebKeySet>;
    if (!Array.isArray(jwks.keys) || jwks.keys.length === 0) throw new Error(`${origin} is JSON but not a JWKS with at least one key ({"keys": [...]})`);
    return { keys: jwks.keys };
  }
  const pems = trimmed.match(PEM_BLOCK) ?? [];
  if (pems.length === 0) throw new Error(`${origin} holds neither a JWKS nor a PEM public key (-----BEGIN PUBLIC KEY-----)`);
  const keys = await Promise.all(pems.map(async (pem) => {
    const jwk = await exportJWK(createPublicKey(pem));
    return { ...jwk, kid: await calculateJwkThumbprint(jwk) };
  }));
  return { keys };
}
