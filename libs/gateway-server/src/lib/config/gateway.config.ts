import { urlHost } from '@pimcp/protocol';
import { type ConfigDefinition, ConfigLoader, type ConfigOf } from '@pimcp/config';
import { etcdTlsSettings, listenerTlsSettings, redisTlsSettings, serviceTlsSettings } from '@pimcp/tls';

const ENDPOINT = /^https?:\/\/[\w.-]+:\d+$/;

/** Every gateway setting, its variable and default. */
export const gatewayConfigDefinition = {
  host: { env: 'PIMCP_GATEWAY_HOST', type: 'string', default: '127.0.0.1', description: 'Address the MCP endpoint listens on.' },
  port: { env: 'PIMCP_GATEWAY_PORT', type: 'int', min: 0, max: 65535, default: 8080, description: 'Port of the MCP endpoint (0 picks a free port).' },
  path: { env: 'PIMCP_GATEWAY_PATH', type: 'string', default: '/mcp', pattern: /^\/[\w/-]*$/, patternHint: 'a path such as /mcp', description: 'Path of the MCP endpoint.' },
  publicUrl: {
    env: 'PIMCP_GATEWAY_PUBLIC_URL', type: 'string', default: '', pattern: /^$|^https?:\/\/\S+$/, patternHint: 'an http(s) URL',
    description: 'Canonical URL clients use (the audience tokens must carry). Default: http://<host>:<port><path>.',
  },
  allowedHosts: { env: 'PIMCP_GATEWAY_ALLOWED_HOSTS', type: 'list', default: ['localhost', '127.0.0.1', '[::1]'], description: 'Host header values accepted (DNS-rebinding protection).' },
  allowedOrigins: { env: 'PIMCP_GATEWAY_ALLOWED_ORIGINS', type: 'list', default: ['localhost', '127.0.0.1', '[::1]'], description: 'Origin hostnames accepted from browsers; requests without Origin are allowed.' },
  maxBodyBytes: { env: 'PIMCP_GATEWAY_MAX_BODY_BYTES', type: 'int', min: 1024, max: 64 * 1024 * 1024, default: 1024 * 1024, description: 'Largest request body accepted; larger ones get 413.' },
  callTimeoutMs: { env: 'PIMCP_GATEWAY_CALL_TIMEOUT_MS', type: 'int', min: 100, max: 3_600_000, default: 60_000, description: 'Deadline of one tool call, passed to the node.' },
  sessionTtlSeconds: { env: 'PIMCP_GATEWAY_SESSION_TTL_SECONDS', type: 'int', min: 10, max: 7 * 86400, default: 3600, description: 'A 2025-era session idle this long is forgotten.' },
  etcdHosts: { env: 'PIMCP_ETCD_HOSTS', type: 'list', default: [], pattern: ENDPOINT, patternHint: 'an etcd endpoint such as http://10.0.0.1:2379', description: 'etcd endpoints the catalog is watched from; empty uses the embedded store (all-in-one only).' },
  redisUrl: { env: 'PIMCP_REDIS_URL', type: 'string', default: '', pattern: /^$|^rediss?:\/\/\S+$/, patternHint: 'a redis:// URL', secret: true, description: 'Redis for shared session state; empty keeps sessions in this process (one replica).' },
  nodeLinkRedisUrl: { env: 'PIMCP_NODE_LINK_REDIS_URL', type: 'string', default: '', pattern: /^$|^rediss?:\/\/\S+$/, patternHint: 'a redis:// URL', secret: true, description: 'The broker for nodes linked through Redis (default: PIMCP_REDIS_URL).' },
  jwtPublicKeyFile: { env: 'PIMCP_GATEWAY_JWT_PUBLIC_KEY_FILE', type: 'string', default: '', description: 'PEM public key (ES256) that client tokens are verified with. Required.' },
  region: { env: 'PIMCP_GATEWAY_REGION', type: 'string', default: '', description: 'Where this gateway runs (a region label value); light capabilities prefer edge nodes with the same region label.' },
  routingPolicies: { env: 'PIMCP_GATEWAY_ROUTING_POLICIES', type: 'object', default: {}, description: 'Routing policy per capability ("*" for the rest): prefer, require, spread, pin, hedge, queue bounds (docs/routing.md). A mapping in PIMCP_CONFIG, or JSON here.' },
  defaultMaxConcurrent: { env: 'PIMCP_GATEWAY_NODE_MAX_CONCURRENT', type: 'int', min: 1, max: 100_000, default: 8, description: 'Calls this gateway runs on one node at once when the node declares no maxConcurrent label.' },
  offloadInputBytes: { env: 'PIMCP_GATEWAY_OFFLOAD_INPUT_BYTES', type: 'int', min: 1, max: 1024 * 1024 * 1024, default: 256 * 1024, description: 'Arguments larger than this send an offloadable capability to a cloud node.' },
  breakerHalfOpenMs: { env: 'PIMCP_GATEWAY_BREAKER_HALF_OPEN_MS', type: 'int', min: 10, max: 600_000, default: 5000, description: 'How long a node stays out of rotation after its circuit opens (5 failures in a row, or a failed link) before one probe call is let through.' },
  hedging: { env: 'PIMCP_GATEWAY_HEDGING', type: 'bool', default: false, description: 'Send a second copy of a slow read-only call (past its p95) to another node; the first answer wins.' },
  maxQueued: { env: 'PIMCP_GATEWAY_MAX_QUEUED', type: 'int', min: 0, max: 1_000_000, default: 1000, description: 'Calls that may wait for a free node when every eligible node is busy; more are refused (retryable).' },
  queueTimeoutMs: { env: 'PIMCP_GATEWAY_QUEUE_TIMEOUT_MS', type: 'int', min: 1, max: 600_000, default: 5000, description: 'How long a call may wait for a free node before it is refused (retryable).' },
  jwtIssuer: { env: 'PIMCP_GATEWAY_JWT_ISSUER', type: 'string', default: 'pimcp-dev', description: 'Issuer (iss) client tokens must carry.' },
  ...listenerTlsSettings,
  ...serviceTlsSettings,
  ...etcdTlsSettings,
  ...redisTlsSettings,
} as const satisfies ConfigDefinition;

export type GatewayConfig = ConfigOf<typeof gatewayConfigDefinition>;

export const gatewayConfig = new ConfigLoader(gatewayConfigDefinition);

/** The URL clients are told to use and tokens must name as audience. */
export function canonicalUrlOf(config: GatewayConfig, boundPort: number): string {
  if (config.publicUrl) return config.publicUrl;
  // A wildcard bind is not an address clients can use; they reach it on loopback.
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : urlHost(config.host);
  const scheme = config.listenerCertFile ? 'https' : 'http';
  return `${scheme}://${host}:${boundPort}${config.path}`;
}
