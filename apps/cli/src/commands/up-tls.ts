/** The certificates and per-service TLS settings of `pimcp up --tls` (docs/security/tls.md). */
import { DEFAULT_DEV_HOSTS, ensureDevCertificates } from '@pimcp/tls';

export interface UpTls {
  dir: string;
  caFile: string;
  /** Certificates created by this start (empty when the directory already held them all). */
  issued: string[];
  /** PIMCP_TLS_* for one service (gateway, registry, context-sync) or node (node-<id>); the gateway also gets its HTTPS listener. */
  envOf(name: string): Record<string, string>;
}

export async function upTlsEnv(dir: string, nodeIds: readonly string[]): Promise<UpTls> {
  const set = await ensureDevCertificates({ dir, nodeIds, hosts: DEFAULT_DEV_HOSTS });
  return {
    dir, caFile: set.caFile, issued: set.issued,
    envOf(name) {
      const files = set.files[name];
      if (!files) throw new Error(`pimcp up --tls has no certificate for ${name} in ${dir}`);
      return {
        PIMCP_TLS_CA_FILE: files.caFile, PIMCP_TLS_CERT_FILE: files.certFile, PIMCP_TLS_KEY_FILE: files.keyFile,
        ...(name === 'gateway' ? { PIMCP_GATEWAY_TLS_CERT_FILE: files.certFile, PIMCP_GATEWAY_TLS_KEY_FILE: files.keyFile } : {}),
      };
    },
  };
}
