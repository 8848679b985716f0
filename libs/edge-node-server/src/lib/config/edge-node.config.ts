import { arch } from 'node:os';
import { type ConfigDefinition, ConfigLoader, type ConfigOf } from '@pimcp/config';
import { NODE_ID_PATTERN } from '@pimcp/protocol';
import { redisTlsSettings, serviceTlsSettings } from '@pimcp/tls/runtime';

/** Every edge-node setting, its variable and default. */
export const edgeNodeConfigDefinition = {
  nodeId: { env: 'PIMCP_NODE_ID', type: 'string', pattern: NODE_ID_PATTERN, patternHint: 'a DNS label such as pi-kitchen-1', description: 'This node\'s id in the registry.' },
  labels: {
    env: 'PIMCP_NODE_LABELS', type: 'list', default: [], pattern: /^[\w./-]+=[\w.:/-]*$/, patternHint: 'key=value',
    description: 'Placement labels, e.g. "tier=edge,region=tokyo,gpu=false". tier defaults to edge and arch to this CPU.',
  },
  linkTransport: {
    env: 'PIMCP_NODE_LINK_TRANSPORT', type: 'string', default: 'tcp', pattern: /^(tcp|redis)$/, patternHint: 'tcp or redis',
    description: 'How the gateway reaches this node: tcp (the gateway dials the node) or redis (both dial a Redis broker; for nodes behind NAT).',
  },
  linkRedisUrl: { env: 'PIMCP_NODE_LINK_REDIS_URL', type: 'string', default: '', pattern: /^$|^rediss?:\/\/\S+$/, patternHint: 'a redis:// URL', secret: true, description: 'The broker for PIMCP_NODE_LINK_TRANSPORT=redis (credentials stay on the node; only host:port is published).' },
  linkHost: { env: 'PIMCP_NODE_LINK_HOST', type: 'string', default: '127.0.0.1', description: 'Address the node link (gateway invocations) listens on.' },
  linkPort: { env: 'PIMCP_NODE_LINK_PORT', type: 'int', min: 0, max: 65535, default: 0, description: 'Port of the node link (0 picks a free port).' },
  advertiseHost: { env: 'PIMCP_NODE_ADVERTISE_HOST', type: 'string', default: '', description: 'Host the gateway should dial (default: the link host; for 0.0.0.0 or ::, this machine\'s first non-loopback IPv4 address).' },
  registryUrl: { env: 'PIMCP_REGISTRY_URL', type: 'string', default: 'tcp://127.0.0.1:8082', pattern: /^tcp:\/\/[\w.-]+:\d+$/, patternHint: 'tcp://host:port', description: 'The registry\'s node link.' },
  fileRoot: { env: 'PIMCP_NODE_FILE_ROOT', type: 'string', default: '', description: 'Directory file.search and file.read may read. Empty: the file tools are not offered (deny by default).' },
  fileWrite: { env: 'PIMCP_NODE_FILE_WRITE', type: 'bool', default: false, description: 'Also offer file.write under the file root (off by default: deny by default).' },
  maxFileBytes: { env: 'PIMCP_NODE_MAX_FILE_BYTES', type: 'int', min: 1024, max: 64 * 1024 * 1024, default: 1024 * 1024, description: 'Most bytes file.read returns per call (and file.write accepts); file.search matches bigger files by name only.' },
  searchMaxResults: { env: 'PIMCP_NODE_SEARCH_MAX_RESULTS', type: 'int', min: 1, max: 100_000, default: 1000, description: 'Most matches one file.search returns (callers may ask for fewer).' },
  searchMaxFiles: { env: 'PIMCP_NODE_SEARCH_MAX_FILES', type: 'int', min: 1, max: 10_000_000, default: 50_000, description: 'Most files one file.search looks at before it stops with truncated: true.' },
  searchMaxDepth: { env: 'PIMCP_NODE_SEARCH_MAX_DEPTH', type: 'int', min: 0, max: 256, default: 32, description: 'Deepest directory level below the search path that file.search enters.' },
  searchMaxBytes: { env: 'PIMCP_NODE_SEARCH_MAX_BYTES', type: 'int', min: 1024, max: 16 * 1024 * 1024 * 1024, default: 256 * 1024 * 1024, description: 'Most file content one file.search reads for its regular expression, in bytes.' },
  maxConcurrentCalls: { env: 'PIMCP_NODE_MAX_CONCURRENT_CALLS', type: 'int', min: 1, max: 100_000, default: 64, description: 'Calls this node runs at once; one more is refused with NODE_UNAVAILABLE so the gateway can try elsewhere.' },
  mcpEnabled: { env: 'PIMCP_NODE_MCP_ENABLED', type: 'bool', default: false, description: 'Also serve MCP on this board for a local LLM, without the gateway (no token; loopback only).' },
  metricsPort: { env: 'PIMCP_NODE_METRICS_PORT', type: 'int', min: 0, max: 65535, default: 0, description: 'Port of the node\'s operator HTTP endpoint (/metrics, /health/live, /health/ready). 0: not served.' },
  metricsHost: { env: 'PIMCP_NODE_METRICS_HOST', type: 'string', default: '127.0.0.1', description: 'Address of the operator endpoint (0.0.0.0 for a Prometheus scraping the pod).' },
  mcpHost: { env: 'PIMCP_NODE_MCP_HOST', type: 'string', default: '127.0.0.1', pattern: /^(127\.\d+\.\d+\.\d+|::1|localhost)$/, patternHint: 'a loopback address', description: 'Address of the node\'s own MCP endpoint; loopback only.' },
  mcpPort: { env: 'PIMCP_NODE_MCP_PORT', type: 'int', min: 0, max: 65535, default: 8090, description: 'Port of the node\'s own MCP endpoint (0 picks a free port).' },
  redisUrl: { env: 'PIMCP_REDIS_URL', type: 'string', default: '', pattern: /^$|^rediss?:\/\/\S+$/, patternHint: 'a redis:// URL', secret: true, description: 'Redis holding the shared contexts tools read and write (ctx.context). Empty: tools on this node have no shared context.' },
  contextJournal: { env: 'PIMCP_NODE_CONTEXT_JOURNAL', type: 'string', default: '', description: 'File where context writes wait while Redis is unreachable (fsync\'d, replayed on reconnect). Default: .pimcp/context-journal-<node id>.jsonl in the working directory; put it on persistent storage.' },
  contextReplicas: { env: 'PIMCP_NODE_CONTEXT_REPLICAS', type: 'int', min: 1, max: 10_000, default: 16, description: 'Shared contexts this node keeps as local replicas at once (each follows one Redis stream); the least recently used is dropped.' },
  plugins: { env: 'PIMCP_NODE_PLUGINS', type: 'list', default: [], description: 'Plugins to load by name: built-in (shell.run, http.request, log.tail, db.query, context-demo, conformance-fixtures) or npm packages installed next to the node.' },
  pluginConfig: { env: 'PIMCP_NODE_PLUGIN_CONFIG', type: 'object', default: {}, description: 'Each plugin\'s settings under its name (a mapping in the PIMCP_CONFIG file, or JSON here). A plugin without settings offers nothing (deny by default).' },
  shutdownGraceMs: { env: 'PIMCP_NODE_SHUTDOWN_GRACE_MS', type: 'int', min: 0, max: 600_000, default: 10_000, description: 'On SIGTERM, how long in-flight calls may finish after the node has left the registry.' },
  invocationKeysFile: {
    env: 'PIMCP_NODE_INVOCATION_KEYS_FILE', type: 'string', default: '',
    description: 'Gateway public keys this node trusts for invocation tokens: a JWKS or PEM public keys (several for rotation), re-read when the file changes. This or PIMCP_NODE_INVOCATION_JWKS_URL is required.',
  },
  invocationJwksUrl: {
    env: 'PIMCP_NODE_INVOCATION_JWKS_URL', type: 'string', default: '', pattern: /^$|^https?:\/\/\S+$/, patternHint: 'an http(s) URL',
    description: 'The gateway\'s invocation JWKS, e.g. https://gateway:8080/.well-known/pimcp/invocation-jwks.json (fetched again for an unknown kid).',
  },
  invocationIssuers: { env: 'PIMCP_NODE_INVOCATION_ISSUERS', type: 'list', default: [], description: 'Issuers (PIMCP_GATEWAY_INVOCATION_ISSUER) accepted; empty: any whose key is trusted.' },
  invocationClockSkewSeconds: { env: 'PIMCP_NODE_INVOCATION_CLOCK_SKEW_SECONDS', type: 'int', min: 0, max: 300, default: 10, description: 'Clock difference with the gateway tolerated when checking an invocation token\'s exp and iat.' },
  invocationReplayCacheSize: {
    env: 'PIMCP_NODE_INVOCATION_REPLAY_CACHE_SIZE', type: 'int', min: 100, max: 10_000_000, default: 100_000,
    description: 'Invocation token ids remembered (until each token expires) to refuse replays; when full of live ids new calls are refused, not remembered less.',
  },
  ...serviceTlsSettings,
  ...redisTlsSettings,
} as const satisfies ConfigDefinition;

export type EdgeNodeConfig = ConfigOf<typeof edgeNodeConfigDefinition>;

export const edgeNodeConfig = new ConfigLoader(edgeNodeConfigDefinition);

/** Labels from config with tier, arch and maxConcurrent (what the router may send at once) filled in when absent. */
export function labelsOf(config: EdgeNodeConfig): Record<string, string> {
  const labels: Record<string, string> = { tier: 'edge', arch: arch(), maxConcurrent: String(config.maxConcurrentCalls) };
  for (const pair of config.labels) {
    const [key, ...rest] = pair.split('=');
    if (key) labels[key] = rest.join('=');
  }
  return labels;
}
