/** Builds the etcd3 client both etcd adapters use, with timeouts that keep a dead etcd from hanging callers. */
import { Etcd3, type IOptions } from 'etcd3';

export interface EtcdConnectionOptions {
  /** Client URLs, e.g. `http://etcd-0:2379`; give every member so the client fails over. */
  hosts: string | string[];
  /** TLS material, passed to etcd3 (`rootCertificate`, optional `privateKey`/`certChain` for mTLS). */
  credentials?: IOptions['credentials'];
  /** etcd user/password auth, passed to etcd3. */
  auth?: IOptions['auth'];
  /** Extra gRPC channel options, merged over ours. */
  grpcOptions?: IOptions['grpcOptions'];
  /** Deadline of each unary etcd call (default 5000 ms); a missed deadline becomes STORE_UNAVAILABLE. */
  requestTimeoutMs?: number;
  /** Longest pause between watch reconnect attempts (default 2000 ms). */
  maxWatchBackoffMs?: number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 5000;

export function hostList(hosts: string | string[]): string[] {
  return typeof hosts === 'string' ? [hosts] : [...hosts];
}

export function createEtcdClient(options: EtcdConnectionOptions): Etcd3 {
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  return new Etcd3({
    hosts: hostList(options.hosts),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.auth ? { auth: options.auth } : {}),
    dialTimeout: requestTimeoutMs,
    // Streams (watch, keepalive) live long and are bounded by their users; unary calls get a deadline each attempt.
    defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + requestTimeoutMs }),
    grpcOptions: {
      // gRPC's default reconnect backoff grows to 2 minutes; a registry must notice a recovered etcd within seconds.
      'grpc.initial_reconnect_backoff_ms': 200,
      'grpc.max_reconnect_backoff_ms': 2000,
      // Detects a silently dropped connection; etcd's default minimum ping interval is 5 s.
      'grpc.keepalive_time_ms': 10_000,
      'grpc.keepalive_timeout_ms': 5000,
      ...options.grpcOptions,
    },
    faultHandling: { watchBackoff: new CappedBackoff(100, options.maxWatchBackoffMs ?? 2000) },
  });
}

/** Doubling delay with a low cap (etcd3's default grows to 30 s, too slow to resume a watch after a blip). */
class CappedBackoff {
  constructor(readonly duration: number, private readonly maxMs: number) {}

  next(): CappedBackoff {
    return new CappedBackoff(Math.min(this.duration * 2, this.maxMs), this.maxMs);
  }
}
