/**
 * Shared contexts as MCP resources: `context://{id}` (the whole context) and `context://{id}/{key}` (one key).
 * Both parts are percent-encoded (RFC 6570 simple expansion), so ids and keys may hold "/" and ":".
 */
export const CONTEXT_SCHEME = 'context://';

export interface ContextUri {
  contextId: string;
  /** Absent for the whole context. */
  key?: string;
}

export function isContextUri(uri: string): boolean {
  return uri.startsWith(CONTEXT_SCHEME);
}

/** Undefined when the URI is not a well-formed context URI. */
export function parseContextUri(uri: string): ContextUri | undefined {
  if (!isContextUri(uri)) return undefined;
  const rest = uri.slice(CONTEXT_SCHEME.length);
  const slash = rest.indexOf('/');
  const rawId = slash === -1 ? rest : rest.slice(0, slash);
  const rawKey = slash === -1 ? undefined : rest.slice(slash + 1);
  const contextId = decode(rawId);
  const key = rawKey === undefined ? undefined : decode(rawKey);
  if (!contextId || key === '' || (rawKey !== undefined && key === undefined)) return undefined;
  return key === undefined ? { contextId } : { contextId, key };
}

export function contextUri(contextId: string, key?: string): string {
  return `${CONTEXT_SCHEME}${encodeURIComponent(contextId)}${key === undefined ? '' : `/${encodeURIComponent(key)}`}`;
}

function decode(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}
