/** `WWW-Authenticate: Bearer ...` challenges of the MCP authorization spec (RFC 6750 section 3, RFC 9728 section 5.1). */
export interface Challenge {
  resourceMetadataUrl: string;
  scopes: readonly string[];
  /** Absent for a request without credentials (RFC 6750: no error code then). */
  error?: 'invalid_token' | 'insufficient_scope' | 'invalid_request';
  description?: string;
}

export function bearerChallenge(challenge: Challenge): string {
  const parts: string[] = [];
  if (challenge.error) parts.push(`error="${quoted(challenge.error)}"`);
  if (challenge.description) parts.push(`error_description="${quoted(challenge.description)}"`);
  if (challenge.scopes.length > 0) parts.push(`scope="${quoted(challenge.scopes.join(' '))}"`);
  parts.push(`resource_metadata="${quoted(challenge.resourceMetadataUrl)}"`);
  return `Bearer ${parts.join(', ')}`;
}

/** Quoted-string content: no quotes, backslashes or control characters can break out of it. */
function quoted(value: string): string {
  return value.replace(/[\\"]/g, '').replace(/[^\x20-\x7e]/g, ' ');
}
