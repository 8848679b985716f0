import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JwtService } from '@nestjs/jwt';

export const DEV_ISSUER = 'pimcp-dev';
/** What a development token may do unless told otherwise: everything (ADR 0012 scope grammar). */
export const DEV_SCOPES: readonly string[] = ['tools:*', 'resources:*', 'prompts:*', 'context:read', 'context:write'];

/**
 * A development signing key pair kept in a local folder (created on first run, private key mode 0600),
 * and tokens minted with it. For `pimcp up` and tests; production uses an identity provider.
 */
export class DevCredentials {
  private constructor(
    readonly privateKeyPem: string,
    readonly publicKeyPem: string,
    readonly publicKeyFile: string,
    /** The gateway's development invocation signing key (PIMCP_GATEWAY_INVOCATION_KEY_FILE) and its public half (PIMCP_NODE_INVOCATION_KEYS_FILE). */
    readonly invocationKeyFile: string,
    readonly invocationPublicKeyFile: string,
  ) {}

  /** The key pair already in dir (`pimcp token mint` must not invent a key the gateway does not know). */
  static load(dir: string): DevCredentials | undefined {
    const privateFile = join(dir, 'dev-signing-key.pem');
    const publicFile = join(dir, 'dev-signing-key.pub.pem');
    if (!existsSync(privateFile) || !existsSync(publicFile)) return undefined;
    return new DevCredentials(
      readFileSync(privateFile, 'utf8'), readFileSync(publicFile, 'utf8'), publicFile,
      join(dir, 'dev-invocation-key.pem'), join(dir, 'dev-invocation-key.pub.pem'),
    );
  }

  static loadOrCreate(dir: string): DevCredentials {
    const [privateFile, publicFile] = keyPair(dir, 'dev-signing-key');
    const [invocationKeyFile, invocationPublicKeyFile] = keyPair(dir, 'dev-invocation-key');
    return new DevCredentials(readFileSync(privateFile, 'utf8'), readFileSync(publicFile, 'utf8'), publicFile, invocationKeyFile, invocationPublicKeyFile);
  }

  /** `scopes` default to DEV_SCOPES; pass [] for a token that may do nothing. */
  mintToken(options: { subject: string; audience: string; scopes?: readonly string[]; ttlSeconds?: number }): string {
    const scopes = options.scopes ?? DEV_SCOPES;
    return new JwtService().sign(
      { ...(scopes.length > 0 ? { scope: scopes.join(' ') } : {}) },
      {
        privateKey: this.privateKeyPem,
        algorithm: 'ES256',
        issuer: DEV_ISSUER,
        subject: options.subject,
        audience: options.audience,
        expiresIn: options.ttlSeconds ?? 30 * 86400,
      },
    );
  }
}

/** A P-256 key pair as <name>.pem (mode 0600) and <name>.pub.pem, created when missing. */
function keyPair(dir: string, name: string): [privateFile: string, publicFile: string] {
  const privateFile = join(dir, `${name}.pem`);
  const publicFile = join(dir, `${name}.pub.pem`);
  if (!existsSync(privateFile) || !existsSync(publicFile)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(privateFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    writeFileSync(publicFile, publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644 });
    chmodSync(privateFile, 0o600);
  }
  return [privateFile, publicFile];
}
