export interface EtcdMemberSpec {
  name: string;
  clientPort: number;
  peerPort: number;
  /** `name=peerUrl` for every member, comma separated, as etcd's --initial-cluster wants. */
  initialCluster: string;
  /** Unique per cluster, so members of two test clusters can never join each other. */
  clusterToken: string;
  /** Serve clients over TLS only (https:// client URL), with these files. */
  tls?: EtcdTlsFiles;
  /** A plaintext listener for /health and /metrics; needed with `tls`, where /health asks for a client certificate. */
  metricsPort?: number;
}

/** etcd's server certificate, and the CA that client certificates must chain to (--client-cert-auth). */
export interface EtcdTlsFiles {
  caFile: string;
  certFile: string;
  keyFile: string;
}

export function peerUrl(port: number): string {
  return `http://127.0.0.1:${port}`;
}

export function clientUrl(port: number, tls = false): string {
  return `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
}

/** Where the harness probes /health: the plaintext metrics listener when there is one. */
export function healthUrl(spec: EtcdMemberSpec): string {
  return spec.metricsPort ? `http://127.0.0.1:${spec.metricsPort}` : clientUrl(spec.clientPort, Boolean(spec.tls));
}
