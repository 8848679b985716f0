import type { JWK } from 'jose';

/** The JWT `typ` of invocation tokens: a client token (another typ) is never accepted as one. */
export const INVOCATION_TOKEN_TYPE = 'pimcp-invocation+jwt';
export const INVOCATION_ALGORITHM = 'ES256';
/** Where a gateway publishes the public keys nodes verify invocation tokens with. */
export const INVOCATION_JWKS_PATH = '/.well-known/pimcp/invocation-jwks.json';

/** Custom claims besides iss, sub, aud (the node id), jti, iat and exp. */
export interface InvocationClaims {
  client_id?: string;
  /** tools/call, resources/read, prompts/get or completion/complete. */
  op: string;
  /** Tool name, resource URI, prompt name or completion reference. */
  cap: string;
  /** SHA-256 (hex) of the canonical JSON of the arguments. */
  args_sha256: string;
}

export interface JsonWebKeySet {
  keys: JWK[];
}
