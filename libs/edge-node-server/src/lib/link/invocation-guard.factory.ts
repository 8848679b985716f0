import { existsSync } from 'node:fs';
import { ConfigError } from '@pimcp/config';
import { fileGatewayKeys, InvocationTokenVerifier, ReplayCache, urlGatewayKeys } from '@pimcp/node-link';
import type { EdgeNodeConfig } from '../config/edge-node.config';

/** Tokens living longer than this are refused whatever the gateway signs (bounds the replay cache's memory in time). */
const MAX_TOKEN_LIFETIME_SECONDS = 300;

/**
 * The check every link call passes before it runs. A node that trusts no gateway key does not start:
 * deny by default, with the settings to fix named.
 */
export function invocationGuardFrom(config: EdgeNodeConfig): InvocationTokenVerifier {
  const { invocationKeysFile: file, invocationJwksUrl: url } = config;
  if (!file && !url) {
    throw new ConfigError(['PIMCP_NODE_INVOCATION_KEYS_FILE or PIMCP_NODE_INVOCATION_JWKS_URL is required: the gateway public keys this node accepts invocation tokens from (pimcp up wires a development key)']);
  }
  if (file && !existsSync(file)) throw new ConfigError([`PIMCP_NODE_INVOCATION_KEYS_FILE=${file} does not exist`]);
  return new InvocationTokenVerifier({
    nodeId: config.nodeId,
    keys: file ? fileGatewayKeys(file) : urlGatewayKeys(url),
    issuers: config.invocationIssuers,
    clockSkewSeconds: config.invocationClockSkewSeconds,
    maxLifetimeSeconds: MAX_TOKEN_LIFETIME_SECONDS,
    replay: new ReplayCache({ maxEntries: config.invocationReplayCacheSize }),
  });
}
