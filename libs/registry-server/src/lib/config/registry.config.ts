import { type ConfigDefinition, ConfigLoader, type ConfigOf } from '@pimcp/config';
import { hostname } from 'node:os';
import { etcdTlsSettings, serviceTlsSettings } from '@pimcp/tls';
import { JWT_ALGORITHM_PATTERN } from '@pimcp/bearer-auth';

/** A node id, or a `label=value` selector (label keys and values as in manifests). */
const TRUST_ENTRY = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$|^[a-zA-Z0-9]([a-zA-Z0-9._/-]*[a-zA-Z0-9])?=[a-zA-Z0-9._:/-]*$/;
const HOST_PORT = /^[\w.-]+:\d+$|^\[[0-9a-fA-F:]+\]:\d+$|^https?:\/\/[\w.-]+:\d+$/;

/** Every registry setting, its variable and default. The docs' configuration table is built from this. */
export const registryConfigDefinition = {
  httpHost: { env: 'PIMCP_REGISTRY_HTTP_HOST', type: 'string', default: '127.0.0.1', description: 'Address the admin HTTP API listens on.' },
  httpPort: { env: 'PIMCP_REGISTRY_HTTP_PORT', type: 'int', min: 0, max: 65535, default: 8081, description: 'Port of the admin HTTP API (0 picks a free port).' },
  linkHost: { env: 'PIMCP_REGISTRY_LINK_HOST', type: 'string', default: '127.0.0.1', description: 'Address nodes connect to for join, heartbeat and leave (@nestjs/microservices TCP).' },
  linkPort: { env: 'PIMCP_REGISTRY_LINK_PORT', type: 'int', min: 0, max: 65535, default: 8082, description: 'Port of the node link (0 picks a free port).' },
  etcdHosts: {
    env: 'PIMCP_ETCD_HOSTS', type: 'list', default: [], pattern: HOST_PORT, patternHint: 'an etcd endpoint such as http://10.0.0.1:2379',
    description: 'Comma-separated etcd endpoints. Empty runs on the embedded in-process store (single replica only).',
  },
  leaseTtlSeconds: { env: 'PIMCP_REGISTRY_LEASE_TTL_SECONDS', type: 'int', min: 2, max: 300, default: 10, description: 'A node disappears this long after its last heartbeat.' },
  electionTtlSeconds: { env: 'PIMCP_REGISTRY_ELECTION_TTL_SECONDS', type: 'int', min: 1, max: 60, default: 5, description: 'Leader lease TTL; a follower takes over within about twice this after the leader dies.' },
  housekeepingIntervalMs: { env: 'PIMCP_REGISTRY_HOUSEKEEPING_INTERVAL_MS', type: 'int', min: 100, max: 3_600_000, default: 5000, description: 'How often the leader removes orphaned entries.' },
  trustedNodes: {
    env: 'PIMCP_REGISTRY_TRUSTED_NODES', type: 'list', default: [], pattern: TRUST_ENTRY, patternHint: 'a node id such as pi-kitchen-1 or a label selector such as tier=cloud',
    description: 'Nodes whose capability definition changes are approved without an operator (ADR 0015): node ids and label=value selectors.',
  },
  holdNewCapabilities: {
    env: 'PIMCP_REGISTRY_HOLD_NEW_CAPABILITIES', type: 'bool', default: false,
    description: 'Hold a capability never seen from a node for approval instead of pinning it on first use.',
  },
  adminAuth: {
    env: 'PIMCP_REGISTRY_ADMIN_AUTH', type: 'string', default: '', pattern: /^(|jwt|none)$/, patternHint: 'jwt or none',
    description: 'How the admin HTTP API (/v1) authenticates: jwt (bearer tokens, ADR 0022) or none. Default: jwt when a key or JWKS is set, else none, which the registry accepts only on a loopback PIMCP_REGISTRY_HTTP_HOST unless set explicitly.',
  },
  adminJwksUrl: {
    env: 'PIMCP_REGISTRY_ADMIN_JWKS_URL', type: 'string', default: '', pattern: /^$|^https?:\/\/\S+$/, patternHint: 'an http(s) URL',
    description: 'JWKS of the identity provider that issues admin tokens; cached, fetched again for an unknown kid (rotation). Replaces the key file.',
  },
  adminPublicKeyFile: { env: 'PIMCP_REGISTRY_ADMIN_PUBLIC_KEY_FILE', type: 'string', default: '', description: 'PEM public key (SPKI) admin tokens are verified with, when no JWKS URL is set.' },
  adminIssuer: { env: 'PIMCP_REGISTRY_ADMIN_ISSUER', type: 'string', default: '', description: 'Issuer (iss) admin tokens must carry; required with jwt admin auth.' },
  adminAudience: { env: 'PIMCP_REGISTRY_ADMIN_AUDIENCE', type: 'string', default: 'pimcp-registry', description: 'Audience (aud) admin tokens must carry: a token for another service is refused.' },
  adminAlgorithms: {
    env: 'PIMCP_REGISTRY_ADMIN_ALGORITHMS', type: 'list', default: ['ES256', 'RS256', 'EdDSA'], pattern: JWT_ALGORITHM_PATTERN,
    patternHint: 'an asymmetric JWS algorithm (ES256, RS256, PS256, EdDSA, ...; never none or HS*)', description: 'Signature algorithms admin tokens may use.',
  },
  replicaId: { env: 'PIMCP_REGISTRY_REPLICA_ID', type: 'string', default: '', description: 'This replica\'s name in leader election (default: hostname-pid).' },
  ...serviceTlsSettings,
  ...etcdTlsSettings,
} as const satisfies ConfigDefinition;

export type RegistryConfig = ConfigOf<typeof registryConfigDefinition>;

/** Loaded once per process; tests call registryConfig.reset() after changing the environment. */
export const registryConfig = new ConfigLoader(registryConfigDefinition);

export function replicaIdOf(config: RegistryConfig): string {
  return config.replicaId || `${hostname()}-${process.pid}`;
}
