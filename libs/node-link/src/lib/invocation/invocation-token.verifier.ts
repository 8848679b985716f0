import { errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { type CallerIdentity, ErrorCode, PimcpError } from '@pimcp/protocol';
import type { InvocationGrant } from './invocation-grant';
import { INVOCATION_ALGORITHM, INVOCATION_TOKEN_TYPE, type InvocationClaims } from './invocation-token';
import type { ReplayCache } from './replay-cache';

export interface InvocationVerifierOptions {
  /** This node's id: the only audience accepted. */
  nodeId: string;
  /** Trusted gateway public keys (fileGatewayKeys, urlGatewayKeys). */
  keys: JWTVerifyGetKey;
  /** Issuers accepted; empty accepts any issuer whose key is trusted. */
  issuers: readonly string[];
  clockSkewSeconds: number;
  /** Tokens living longer than this are refused, so the replay cache never holds an id for long. */
  maxLifetimeSeconds: number;
  replay: ReplayCache;
  now?: () => number;
}

/** What the node is asked to run, to compare with what the token allows. */
export interface InvocationToAdmit {
  token: string | undefined;
  grant: InvocationGrant;
  caller: CallerIdentity;
}

/**
 * The node's check of a gateway-signed invocation token, before anything runs: a trusted ES256 key, this node as
 * audience, not expired, the same operation, capability, arguments and caller, and a token id never seen before.
 * Every refusal is INVOCATION_UNAUTHORIZED, not retryable: another node would refuse the same call.
 */
export class InvocationTokenVerifier {
  private readonly now: () => number;

  constructor(private readonly options: InvocationVerifierOptions) {
    this.now = options.now ?? Date.now;
  }

  async admit(call: InvocationToAdmit): Promise<void> {
    if (!call.token) throw refused('no invocation token: this node runs only calls signed by a trusted gateway');
    const payload = await this.verified(call.token);
    const claims = payload as JWTPayload & Partial<InvocationClaims>;
    if (claims.op !== call.grant.operation || claims.cap !== call.grant.capability) {
      throw refused(`invocation token allows ${String(claims.op)} ${String(claims.cap).slice(0, 200)}, not ${call.grant.operation} ${call.grant.capability.slice(0, 200)}`);
    }
    if (claims.args_sha256 !== call.grant.argumentsHash) throw refused('invocation token was signed for other arguments (arguments hash mismatch)');
    if (claims.sub !== call.caller.subject || (claims.client_id ?? undefined) !== call.caller.clientId) throw refused('invocation token names another caller');
    if (typeof claims.jti !== 'string' || claims.jti.length === 0 || claims.jti.length > 128) throw refused('invocation token has no usable jti');
    const lifetime = (claims.exp as number) - (claims.iat as number);
    if (lifetime > this.options.maxLifetimeSeconds) throw refused(`invocation token lives ${lifetime} s, more than this node accepts (${this.options.maxLifetimeSeconds} s)`);
    this.options.replay.claim(claims.jti, (claims.exp as number) * 1000 + this.options.clockSkewSeconds * 1000);
  }

  private async verified(token: string): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, this.options.keys, {
        algorithms: [INVOCATION_ALGORITHM],
        typ: INVOCATION_TOKEN_TYPE,
        audience: this.options.nodeId,
        ...(this.options.issuers.length > 0 ? { issuer: [...this.options.issuers] } : {}),
        clockTolerance: this.options.clockSkewSeconds,
        requiredClaims: ['iss', 'sub', 'aud', 'jti', 'iat', 'exp'],
        currentDate: new Date(this.now()),
      });
      return payload;
    } catch (err) {
      throw refused(reasonOf(err, this.options.nodeId));
    }
  }
}

function refused(message: string): PimcpError {
  return new PimcpError(ErrorCode.InvocationUnauthorized, message);
}

/** A reason an operator can act on; never the token itself. */
function reasonOf(err: unknown, nodeId: string): string {
  if (err instanceof errors.JWTExpired) return 'invocation token expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'aud') return `invocation token is for another node, not ${nodeId}`;
    if (err.claim === 'iss') return 'invocation token comes from an issuer this node does not trust (PIMCP_NODE_INVOCATION_ISSUERS)';
    return `invocation token claim ${err.claim} is not acceptable: ${err.reason}`;
  }
  if (err instanceof errors.JWKSNoMatchingKey) return 'invocation token is signed by a key this node does not trust (check PIMCP_NODE_INVOCATION_KEYS_FILE / _JWKS_URL)';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'invocation token signature is not valid';
  if (err instanceof errors.JOSEAlgNotAllowed) return `invocation token must be signed with ${INVOCATION_ALGORITHM}`;
  if (err instanceof errors.JOSEError) return `invocation token is not acceptable (${err.code})`;
  return `invocation token could not be checked: ${(err as Error)?.message ?? String(err)}`.slice(0, 300);
}
