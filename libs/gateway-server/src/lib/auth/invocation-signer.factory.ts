import { readFileSync } from 'node:fs';
import { ConfigError } from '@pimcp/config';
import { InvocationTokenSigner } from '@pimcp/node-link';
import type { GatewayConfig } from '../config/gateway.config';

/** The per-invocation signer from PIMCP_GATEWAY_INVOCATION_KEY_FILE; fails at boot with what to fix. */
export async function invocationSignerFrom(config: GatewayConfig): Promise<InvocationTokenSigner> {
  const file = config.invocationKeyFile;
  if (!file) {
    throw new ConfigError(['PIMCP_GATEWAY_INVOCATION_KEY_FILE is required: the EC P-256 private key (PEM) this gateway signs node invocations with (pimcp up creates a development one)']);
  }
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`PIMCP_GATEWAY_INVOCATION_KEY_FILE=${file} cannot be read: ${(err as Error).message}`]);
  }
  try {
    return await InvocationTokenSigner.fromPem(pem, {
      issuer: config.invocationIssuer, maxTtlMs: config.invocationTokenTtlMs, ...(config.invocationKeyId ? { keyId: config.invocationKeyId } : {}),
    });
  } catch (err) {
    throw new ConfigError([`PIMCP_GATEWAY_INVOCATION_KEY_FILE=${file}: ${(err as Error).message}`]);
  }
}
