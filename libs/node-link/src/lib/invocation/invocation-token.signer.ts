import { createPrivateKey, createPublicKey, type KeyObject, randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, type JWK, SignJWT } from 'jose';
import type { CallerIdentity } from '@pimcp/protocol';
import type { InvocationGrant } from './invocation-grant';
import { INVOCATION_ALGORITHM, INVOCATION_TOKEN_TYPE, type InvocationClaims, type JsonWebKeySet } from './invocation-token';

export interface InvocationSignerOptions {
  /** The gateway's issuer id (iss); nodes may be told to accept only it. */
  issuer: string;
  /** Longest lifetime of a token; a call's deadline shortens it. */
  maxTtlMs: number;
  /** The key id (kid); default: the RFC 7638 thumbprint of the public key, which a node computes alike from a PEM. */
  keyId?: string;
}

export interface InvocationToSign {
  nodeId: string;
  caller: CallerIdentity;
  grant: InvocationGrant;
  /** The call's deadline (epoch ms): the token never outlives it. */
  deadline: number;
}

/** Signs one short-lived ES256 token per invocation (gateway side). The private key never leaves this object. */
export class InvocationTokenSigner {
  private constructor(
    private readonly privateKey: KeyObject,
    private readonly publicJwk: JWK,
    readonly keyId: string,
    private readonly options: InvocationSignerOptions,
    private readonly now: () => number,
  ) {}

  /** From a PKCS#8 (or SEC1) PEM of a P-256 key; throws naming what is wrong with it. */
  static async fromPem(privateKeyPem: string, options: InvocationSignerOptions, now: () => number = Date.now): Promise<InvocationTokenSigner> {
    const privateKey = createPrivateKey(privateKeyPem);
    if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new Error('the invocation signing key must be an EC P-256 private key (ES256), e.g. openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256');
    }
    const publicJwk = await exportJWK(createPublicKey(privateKey));
    const keyId = options.keyId || (await calculateJwkThumbprint(publicJwk));
    return new InvocationTokenSigner(privateKey, { ...publicJwk, kid: keyId, alg: INVOCATION_ALGORITHM, use: 'sig' }, keyId, options, now);
  }

  async sign(call: InvocationToSign): Promise<string> {
    const now = this.now();
    const expiresAt = Math.min(call.deadline, now + this.options.maxTtlMs);
    const claims: InvocationClaims = {
      ...(call.caller.clientId ? { client_id: call.caller.clientId } : {}),
      op: call.grant.operation, cap: call.grant.capability, args_sha256: call.grant.argumentsHash,
    };
    return new SignJWT({ ...claims })
      .setProtectedHeader({ alg: INVOCATION_ALGORITHM, kid: this.keyId, typ: INVOCATION_TOKEN_TYPE })
      .setIssuer(this.options.issuer)
      .setSubject(call.caller.subject)
      .setAudience(call.nodeId)
      .setJti(randomUUID())
      .setIssuedAt(Math.floor(now / 1000))
      // At least one second past now: a JWT's exp is in whole seconds.
      .setExpirationTime(Math.max(Math.ceil(expiresAt / 1000), Math.floor(now / 1000) + 1))
      .sign(this.privateKey);
  }

  /** The public half, as served at INVOCATION_JWKS_PATH. */
  jwks(): JsonWebKeySet {
    return { keys: [this.publicJwk] };
  }
}
