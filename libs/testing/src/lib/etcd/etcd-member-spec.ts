export interface EtcdMemberSpec {
  name: string;
  clientPort: number;
  peerPort: number;
  /** `name=peerUrl` for every member, comma separated, as etcd's --initial-cluster wants. */
  initialCluster: string;
  /** Unique per cluster, so members of two test clusters can never join each other. */
  clusterToken: string;
}

export function peerUrl(port: number): string {
  return `http://127.0.0.1:${port}`;
}

export function clientUrl(port: number): string {
  return `http://127.0.0.1:${port}`;
}
