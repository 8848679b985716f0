import { urlHost } from '@pimcp/protocol';
import { type ConfigDefinition, ConfigLoader, type ConfigOf } from '@pimcp/config';
import { etcdTlsSettings, listenerTlsSettings, redisTlsSettings, serviceTlsSettings } from '@pimcp/tls';
import { JWT_ALGORITHM_PATTERN } from '@pimcp/bearer-auth';

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
  jwtPublicKeyFile: { env: 'PIMCP_GATEWAY_JWT_PUBLIC_KEY_FILE', type: 'string', default: '', description: 'PEM public key client tokens are verified with. This or PIMCP_GATEWAY_JWKS_URL is required.' },
  region: { env: 'PIMCP_GATEWAY_REGION', type: 'string', default: '', description: 'Where this gateway runs (a region label value); light capabilities prefer edge nodes with the same region label.' },
  routingPolicies: { env: 'PIMCP_GATEWAY_ROUTING_POLICIES', type: 'object', default: {}, description: 'Routing policy per capability ("*" for the rest): prefer, require, spread, pin, hedge, queue bounds (docs/routing.md). A mapping in PIMCP_CONFIG, or JSON here.' },
  defaultMaxConcurrent: { env: 'PIMCP_GATEWAY_NODE_MAX_CONCURRENT', type: 'int', min: 1, max: 100_000, default: 8, description: 'Calls this gateway runs on one node at once when the node declares no maxConcurrent label.' },
  offloadInputBytes: { env: 'PIMCP_GATEWAY_OFFLOAD_INPUT_BYTES', type: 'int', min: 1, max: 1024 * 1024 * 1024, default: 256 * 1024, description: 'Arguments larger than this send an offloadable capability to a cloud node.' },
  breakerHalfOpenMs: { env: 'PIMCP_GATEWAY_BREAKER_HALF_OPEN_MS', type: 'int', min: 10, max: 600_000, default: 5000, description: 'How long a node stays out of rotation after its circuit opens (5 failures in a row, or a failed link) before one probe call is let through.' },
  hedging: { env: 'PIMCP_GATEWAY_HEDGING', type: 'bool', default: false, description: 'Send a second copy of a slow read-only call (past its p95) to another node; the first answer wins.' },
  maxQueued: { env: 'PIMCP_GATEWAY_MAX_QUEUED', type: 'int', min: 0, max: 1_000_000, default: 1000, description: 'Calls that may wait for a free node when every eligible node is busy; more are refused (retryable).' },
  queueTimeoutMs: { env: 'PIMCP_GATEWAY_QUEUE_TIMEOUT_MS', type: 'int', min: 1, max: 600_000, default: 5000, description: 'How long a call may wait for a free node before it is refused (retryable).' },
  jwtIssuer: { env: 'PIMCP_GATEWAY_JWT_ISSUER', type: 'string', default: 'pimcp-dev', description: 'Issuer (iss) client tokens must carry.' },
  invocationKeyFile: {
    env: 'PIMCP_GATEWAY_INVOCATION_KEY_FILE', type: 'string', default: '',
    description: 'PEM private key (EC P-256, ES256) this gateway signs per-invocation node tokens with; replicas share it (docs/security/node-invocation.md). Required (pimcp up creates a development one).',
  },
  invocationKeyId: { env: 'PIMCP_GATEWAY_INVOCATION_KEY_ID', type: 'string', default: '', description: 'kid of the invocation signing key. Default: its RFC 7638 thumbprint (what nodes compute from a PEM).' },
  invocationIssuer: { env: 'PIMCP_GATEWAY_INVOCATION_ISSUER', type: 'string', default: 'pimcp-gateway', pattern: /^\S{1,200}$/, patternHint: 'an issuer id without spaces', description: 'Issuer (iss) of invocation tokens; nodes may accept only listed issuers.' },
  invocationTokenTtlMs: { env: 'PIMCP_GATEWAY_INVOCATION_TOKEN_TTL_MS', type: 'int', min: 1000, max: 300_000, default: 60_000, description: 'Longest life of an invocation token (a call\'s deadline shortens it); it only has to reach the node.' },
  audit: {
    env: 'PIMCP_GATEWAY_AUDIT', type: 'string', default: 'auto', pattern: /^(auto|redis|file|memory|off)$/, patternHint: 'auto, redis, file, memory or off',
    description: 'Where the tool-call audit goes: redis (a Redis Stream at PIMCP_REDIS_URL), file (JSONL at PIMCP_GATEWAY_AUDIT_FILE), memory, off; auto: redis with PIMCP_REDIS_URL, else memory.',
  },
  auditFile: { env: 'PIMCP_GATEWAY_AUDIT_FILE', type: 'string', default: '.pimcp/audit.jsonl', description: 'JSONL audit file for PIMCP_GATEWAY_AUDIT=file (appended, fsync\'d per record).' },
  auditMaxRecords: { env: 'PIMCP_GATEWAY_AUDIT_MAX_RECORDS', type: 'int', min: 100, max: 100_000_000, default: 1_000_000, description: 'Audit records kept (Redis Stream MAXLEN ~, or the memory ring); older ones are trimmed.' },
  auditArguments: { env: 'PIMCP_GATEWAY_AUDIT_ARGUMENTS', type: 'bool', default: false, description: 'Also store argument values in audit records (off: only their SHA-256, as they may hold secrets).' },
  jwksUrl: {
    env: 'PIMCP_GATEWAY_JWKS_URL', type: 'string', default: '', pattern: /^$|^https?:\/\/\S+$/, patternHint: 'an http(s) URL',
    description: 'JWKS of the identity provider; keys are cached and fetched again when a token names an unknown kid (rotation). Replaces the key file.',
  },
  jwksCooldownSeconds: { env: 'PIMCP_GATEWAY_JWKS_COOLDOWN_SECONDS', type: 'int', min: 0, max: 3600, default: 30, description: 'Least time between two JWKS fetches (an unknown kid waits this long at most before the next fetch).' },
  jwtAlgorithms: {
    env: 'PIMCP_GATEWAY_JWT_ALGORITHMS', type: 'list', default: ['ES256'], pattern: JWT_ALGORITHM_PATTERN,
    patternHint: 'an asymmetric JWS algorithm (ES256, RS256, PS256, EdDSA, ...; never none or HS*)', description: 'Signature algorithms client tokens may use.',
  },
  jwtClockSkewSeconds: { env: 'PIMCP_GATEWAY_JWT_CLOCK_SKEW_SECONDS', type: 'int', min: 0, max: 300, default: 30, description: 'Clock difference tolerated on exp and nbf.' },
  authorizationServers: {
    env: 'PIMCP_GATEWAY_AUTHORIZATION_SERVERS', type: 'list', default: [], pattern: /^https?:\/\/\S+$/, patternHint: 'an issuer URL',
    description: 'Authorization servers named in the Protected Resource Metadata (default: the issuer when it is a URL).',
  },
  toolSets: {
    env: 'PIMCP_GATEWAY_TOOL_SETS', type: 'object', default: {},
    description: 'Named tool sets: scope toolset:<name> grants the listed patterns (tool names such as shell.* or full scopes such as prompts:review). A mapping in PIMCP_CONFIG, or JSON here. A set of the same name stored in the registry (pimcp toolsets set) replaces it.',
  },
  rateLimitRequests: { env: 'PIMCP_GATEWAY_RATE_LIMIT_REQUESTS', type: 'int', min: 0, max: 10_000_000, default: 1200, description: 'Requests one subject may make per window (0: no limit); more get 429 with Retry-After.' },
  rateLimitWindowSeconds: { env: 'PIMCP_GATEWAY_RATE_LIMIT_WINDOW_SECONDS', type: 'int', min: 1, max: 86400, default: 60, description: 'The rate limit window. Counted in Redis when PIMCP_REDIS_URL is set (shared by replicas), else in this process.' },
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
