import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JwtService } from '@nestjs/jwt';

export const DEV_ISSUER = 'pimcp-dev';

/**
 * A development signing key pair kept in a local folder (created on first run, private key mode 0600),
 * and tokens minted with it. For `pimcp up` and tests; production uses an identity provider.
 */
export class DevCredentials {
  private constructor(readonly privateKeyPem: string, readonly publicKeyPem: string, readonly publicKeyFile: string) {}

  /** The key pair already in dir (`pimcp token mint` must not invent a key the gateway does not know). */
  static load(dir: string): DevCredentials | undefined {
    const { privateFile, publicFile } = keyFiles(dir);
    if (!existsSync(privateFile) || !existsSync(publicFile)) return undefined;
    return new DevCredentials(readFileSync(privateFile, 'utf8'), readFileSync(publicFile, 'utf8'), publicFile);
  }

  static loadOrCreate(dir: string): DevCredentials {
    const { privateFile, publicFile } = keyFiles(dir);
    if (!existsSync(privateFile) || !existsSync(publicFile)) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      writeFileSync(privateFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
      writeFileSync(publicFile, publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644 });
      chmodSync(privateFile, 0o600);
    }
    return new DevCredentials(readFileSync(privateFile, 'utf8'), readFileSync(publicFile, 'utf8'), publicFile);
  }

  mintToken(options: { subject: string; audience: string; scopes?: string[]; ttlSeconds?: number }): string {
    return new JwtService().sign(
      { ...(options.scopes ? { scope: options.scopes.join(' ') } : {}) },
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

function keyFiles(dir: string): { privateFile: string; publicFile: string } {
  return { privateFile: join(dir, 'dev-signing-key.pem'), publicFile: join(dir, 'dev-signing-key.pub.pem') };
}
