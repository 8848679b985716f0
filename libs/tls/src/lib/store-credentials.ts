/** Reads the etcd and Redis TLS settings into what etcd3 and ioredis take. */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { ConfigError } from '@pimcp/config';

export interface EtcdTlsConfig {
  readonly etcdCaFile: string;
  readonly etcdCertFile: string;
  readonly etcdKeyFile: string;
  readonly etcdUsername: string;
  readonly etcdPassword: string;
}

/** etcd3's `credentials` and `auth`, each only when configured. */
export interface EtcdSecurity {
  credentials?: { rootCertificate: Buffer; privateKey?: Buffer; certChain?: Buffer };
  auth?: { username: string; password: string };
}

export function etcdSecurityOf(config: EtcdTlsConfig): EtcdSecurity {
  const security: EtcdSecurity = {};
  if (Boolean(config.etcdCertFile) !== Boolean(config.etcdKeyFile)) {
    throw new ConfigError(['PIMCP_ETCD_TLS_CERT_FILE and PIMCP_ETCD_TLS_KEY_FILE go together: set both (etcd --client-cert-auth) or neither']);
  }
  if (config.etcdCertFile && !config.etcdCaFile) {
    throw new ConfigError(['PIMCP_ETCD_TLS_CERT_FILE needs PIMCP_ETCD_TLS_CA_FILE (the CA of etcd\'s server certificate)']);
  }
  if (config.etcdCaFile) {
    security.credentials = {
      rootCertificate: readSetting(config.etcdCaFile, 'PIMCP_ETCD_TLS_CA_FILE'),
      ...(config.etcdCertFile
        ? { certChain: readSetting(config.etcdCertFile, 'PIMCP_ETCD_TLS_CERT_FILE'), privateKey: readSetting(config.etcdKeyFile, 'PIMCP_ETCD_TLS_KEY_FILE') }
        : {}),
    };
  }
  if (config.etcdUsername) security.auth = { username: config.etcdUsername, password: config.etcdPassword };
  else if (config.etcdPassword) throw new ConfigError(['PIMCP_ETCD_PASSWORD is set without PIMCP_ETCD_USERNAME']);
  return security;
}

export interface RedisTlsConfig {
  readonly redisCaFile: string;
  readonly redisCertFile: string;
  readonly redisKeyFile: string;
}

/** ioredis `tls` options for a rediss:// URL, or undefined when no file is set (ioredis then uses the system CAs). */
export function redisTlsOf(config: RedisTlsConfig): ConnectionOptions | undefined {
  if (Boolean(config.redisCertFile) !== Boolean(config.redisKeyFile)) {
    throw new ConfigError(['PIMCP_REDIS_TLS_CERT_FILE and PIMCP_REDIS_TLS_KEY_FILE go together: set both (Redis tls-auth-clients) or neither']);
  }
  if (!config.redisCaFile && !config.redisCertFile) return undefined;
  return {
    ...(config.redisCaFile ? { ca: readSetting(config.redisCaFile, 'PIMCP_REDIS_TLS_CA_FILE') } : {}),
    ...(config.redisCertFile
      ? { cert: readSetting(config.redisCertFile, 'PIMCP_REDIS_TLS_CERT_FILE'), key: readSetting(config.redisKeyFile, 'PIMCP_REDIS_TLS_KEY_FILE') }
      : {}),
  };
}

function readSetting(file: string, variable: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new ConfigError([`${variable}=${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`]);
  }
}
