import { readFileSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import { ConfigError } from '@pimcp/config';
import type { RegistryConfig } from '../config/registry.config';
import { AdminTokenVerifier } from './admin-token.verifier';

/** How the admin HTTP API authenticates: bearer JWTs, or (loopback, or explicitly accepted) nobody. */
export type AdminAuthMode = { kind: 'jwt'; verifier: AdminTokenVerifier } | { kind: 'none' };

const HOW_TO_SECURE =
  'set PIMCP_REGISTRY_ADMIN_JWKS_URL (your identity provider\'s keys) or PIMCP_REGISTRY_ADMIN_PUBLIC_KEY_FILE (a PEM public key) ' +
  'and PIMCP_REGISTRY_ADMIN_ISSUER';

/**
 * Decides admin authentication at boot, deny by default: without a key the admin API stays open only on a loopback
 * address; anywhere else the registry refuses to start unless PIMCP_REGISTRY_ADMIN_AUTH=none says so explicitly.
 */
export function adminAuthModeOf(config: RegistryConfig, logger = new Logger('AdminAuth')): AdminAuthMode {
  const keyConfigured = config.adminJwksUrl !== '' || config.adminPublicKeyFile !== '';
  const mode = config.adminAuth || (keyConfigured ? 'jwt' : 'none');
  if (mode === 'jwt') return { kind: 'jwt', verifier: verifierOf(config) };
  if (isLoopback(config.httpHost)) return { kind: 'none' };
  if (config.adminAuth !== 'none') {
    throw new ConfigError([
      `the admin API would listen on ${config.httpHost} (PIMCP_REGISTRY_HTTP_HOST) without authentication: anyone who reaches it could ` +
        `enable tools and approve definitions. ${HOW_TO_SECURE}; or set PIMCP_REGISTRY_ADMIN_AUTH=none to accept an open admin API ` +
        '(only behind a network policy that admits operators alone), or PIMCP_REGISTRY_HTTP_HOST=127.0.0.1',
    ]);
  }
  logger.warn(`the admin API on ${config.httpHost} accepts every request (PIMCP_REGISTRY_ADMIN_AUTH=none); ${HOW_TO_SECURE} to require tokens`);
  return { kind: 'none' };
}

/** 127.0.0.0/8, ::1 and localhost: reachable from this machine only. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

function verifierOf(config: RegistryConfig): AdminTokenVerifier {
  const problems: string[] = [];
  if (!config.adminJwksUrl && !config.adminPublicKeyFile) problems.push(`PIMCP_REGISTRY_ADMIN_AUTH=jwt needs a key: ${HOW_TO_SECURE}`);
  if (!config.adminIssuer) problems.push('PIMCP_REGISTRY_ADMIN_ISSUER is required with admin JWT auth: the issuer (iss) of your admin tokens');
  if (problems.length > 0) throw new ConfigError(problems);
  const common = { issuer: config.adminIssuer, audience: config.adminAudience, algorithms: config.adminAlgorithms };
  if (config.adminJwksUrl) return new AdminTokenVerifier({ ...common, jwksUrl: config.adminJwksUrl });
  let publicKeyPem: string;
  try {
    publicKeyPem = readFileSync(config.adminPublicKeyFile, 'utf8');
  } catch (err) {
    throw new ConfigError([`PIMCP_REGISTRY_ADMIN_PUBLIC_KEY_FILE=${config.adminPublicKeyFile} cannot be read: ${(err as Error).message}`]);
  }
  try {
    return new AdminTokenVerifier({ ...common, publicKeyPem });
  } catch (err) {
    throw new ConfigError([`PIMCP_REGISTRY_ADMIN_PUBLIC_KEY_FILE=${config.adminPublicKeyFile}: ${(err as Error).message}`]);
  }
}
