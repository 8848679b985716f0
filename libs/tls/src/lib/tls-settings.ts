/**
 * The TLS settings every service shares, as config definition fragments each app spreads into its own
 * definition (one variable name per meaning across apps), and the functions that turn them into TLS material.
 */
import type { ConfigDefinition } from '@pimcp/config';
import { ConfigError } from '@pimcp/config';
import { TlsMaterial } from './tls-material';
import { TlsSetupError } from './tls-setup.error';

/** This service's own certificate and the cluster CA: mTLS on the links between PiMCP services and nodes. */
export const serviceTlsSettings = {
  tlsCaFile: { env: 'PIMCP_TLS_CA_FILE', type: 'string', default: '', description: 'Cluster CA (PEM) that peers\' certificates must chain to. With PIMCP_TLS_CERT_FILE and PIMCP_TLS_KEY_FILE it turns on mTLS on the cluster links (docs/security/tls.md). Empty: plaintext (loopback development only).' },
  tlsCertFile: { env: 'PIMCP_TLS_CERT_FILE', type: 'string', default: '', description: 'This service\'s certificate (PEM, may include the chain); a node\'s names it with the URI SAN spiffe://pimcp/node/<node id>. Reloaded when it changes.' },
  tlsKeyFile: { env: 'PIMCP_TLS_KEY_FILE', type: 'string', default: '', description: 'Private key (PEM) of PIMCP_TLS_CERT_FILE. Reloaded when it changes.' },
  tlsReloadIntervalMs: { env: 'PIMCP_TLS_RELOAD_INTERVAL_MS', type: 'int', min: 0, max: 3_600_000, default: 5000, description: 'How often the TLS files are checked for a rotated certificate (0: never; restart to rotate).' },
} as const satisfies ConfigDefinition;

/** TLS and credentials for etcd (passed to etcd3: credentials and auth). */
export const etcdTlsSettings = {
  etcdCaFile: { env: 'PIMCP_ETCD_TLS_CA_FILE', type: 'string', default: '', description: 'CA (PEM) of etcd\'s server certificate; set it (with https:// endpoints) to talk TLS to etcd.' },
  etcdCertFile: { env: 'PIMCP_ETCD_TLS_CERT_FILE', type: 'string', default: '', description: 'Client certificate (PEM) for etcd started with --client-cert-auth.' },
  etcdKeyFile: { env: 'PIMCP_ETCD_TLS_KEY_FILE', type: 'string', default: '', description: 'Private key (PEM) of PIMCP_ETCD_TLS_CERT_FILE.' },
  etcdUsername: { env: 'PIMCP_ETCD_USERNAME', type: 'string', default: '', description: 'etcd user (etcd auth enabled); give each service its own user and role.' },
  etcdPassword: { env: 'PIMCP_ETCD_PASSWORD', type: 'string', default: '', secret: true, description: 'Password of PIMCP_ETCD_USERNAME.' },
} as const satisfies ConfigDefinition;

/** TLS files for Redis; the ACL user and password go in the rediss:// URL. */
export const redisTlsSettings = {
  redisCaFile: { env: 'PIMCP_REDIS_TLS_CA_FILE', type: 'string', default: '', description: 'CA (PEM) of Redis\'s server certificate, for rediss:// URLs (default: the system CAs).' },
  redisCertFile: { env: 'PIMCP_REDIS_TLS_CERT_FILE', type: 'string', default: '', description: 'Client certificate (PEM) for Redis started with tls-auth-clients yes.' },
  redisKeyFile: { env: 'PIMCP_REDIS_TLS_KEY_FILE', type: 'string', default: '', description: 'Private key (PEM) of PIMCP_REDIS_TLS_CERT_FILE.' },
} as const satisfies ConfigDefinition;

/** The gateway's public listener (MCP clients): HTTPS when both are set. */
export const listenerTlsSettings = {
  listenerCertFile: { env: 'PIMCP_GATEWAY_TLS_CERT_FILE', type: 'string', default: '', description: 'Certificate (PEM, with its chain) of the MCP endpoint: set it and PIMCP_GATEWAY_TLS_KEY_FILE to serve HTTPS. Reloaded when it changes. Empty: plain HTTP (loopback or behind a TLS-terminating ingress).' },
  listenerKeyFile: { env: 'PIMCP_GATEWAY_TLS_KEY_FILE', type: 'string', default: '', description: 'Private key (PEM) of PIMCP_GATEWAY_TLS_CERT_FILE.' },
} as const satisfies ConfigDefinition;

export interface ListenerTlsConfig {
  readonly listenerCertFile: string;
  readonly listenerKeyFile: string;
  readonly tlsReloadIntervalMs: number;
}

/** The gateway listener's certificate, or undefined for plain HTTP. */
export function listenerTlsOf(config: ListenerTlsConfig): TlsMaterial | undefined {
  if (!config.listenerCertFile && !config.listenerKeyFile) return undefined;
  if (!config.listenerCertFile || !config.listenerKeyFile) {
    throw new ConfigError(['PIMCP_GATEWAY_TLS_CERT_FILE and PIMCP_GATEWAY_TLS_KEY_FILE go together: set both for HTTPS or neither']);
  }
  try {
    return new TlsMaterial({ certFile: config.listenerCertFile, keyFile: config.listenerKeyFile }, { reloadIntervalMs: config.tlsReloadIntervalMs });
  } catch (err) {
    if (err instanceof TlsSetupError) throw new ConfigError([`${err.message}; check PIMCP_GATEWAY_TLS_CERT_FILE and PIMCP_GATEWAY_TLS_KEY_FILE`]);
    throw err;
  }
}

export interface ServiceTlsConfig {
  readonly tlsCaFile: string;
  readonly tlsCertFile: string;
  readonly tlsKeyFile: string;
  readonly tlsReloadIntervalMs: number;
}

/**
 * The service's TLS material, or undefined when none of the three files is set (plaintext).
 * Throws ConfigError naming the variables when only some are set or a file is unusable.
 */
export function serviceTlsOf(config: ServiceTlsConfig): TlsMaterial | undefined {
  const set = [config.tlsCaFile, config.tlsCertFile, config.tlsKeyFile].filter(Boolean).length;
  if (set === 0) return undefined;
  if (set < 3) {
    throw new ConfigError(['PIMCP_TLS_CA_FILE, PIMCP_TLS_CERT_FILE and PIMCP_TLS_KEY_FILE go together: set all three for mTLS (pimcp certs init creates them) or none for plaintext']);
  }
  try {
    return new TlsMaterial({ caFile: config.tlsCaFile, certFile: config.tlsCertFile, keyFile: config.tlsKeyFile }, { reloadIntervalMs: config.tlsReloadIntervalMs });
  } catch (err) {
    if (err instanceof TlsSetupError) throw new ConfigError([`${err.message}; check PIMCP_TLS_CA_FILE, PIMCP_TLS_CERT_FILE and PIMCP_TLS_KEY_FILE`]);
    throw err;
  }
}
