import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { ensureBinary } from '../binary/ensure-binary.util';
import { HarnessErrorCode, HarnessException } from '../errors/harness.exception';
import { freePorts } from '../net/free-port.util';
import { ManagedProcess } from '../process/managed-process';
import { retryPortRace } from '../util/retry-port-race.util';
import { makeTempDir, removeDir } from '../util/temp-dir.util';
import { isEtcdHealthy } from './etcd-health.util';
import { clientUrl, EtcdMemberSpec, EtcdTlsFiles, healthUrl, peerUrl } from './etcd-member-spec';

/** One etcd server on loopback: a single-node cluster, or one member of an EtcdCluster. */
export class EtcdProcess {
  readonly clientUrl: string;
  private readonly healthUrl: string;
  /** Holds etcd.log and the data/ dir; kept across kill() and restart(). */
  readonly rootDir: string;
  private readonly process: ManagedProcess;
  private stopping: Promise<void> | undefined;

  private constructor(readonly spec: EtcdMemberSpec) {
    this.clientUrl = clientUrl(spec.clientPort, Boolean(spec.tls));
    this.healthUrl = healthUrl(spec);
    this.rootDir = makeTempDir(`etcd-${spec.name}`);
    this.process = new ManagedProcess({
      label: `etcd member ${spec.name} (${this.clientUrl})`,
      binary: ensureBinary('etcd'),
      args: etcdArgs(spec, join(this.rootDir, 'data')),
      logPath: join(this.rootDir, 'etcd.log'),
      env: envWithoutEtcdVars(),
    });
  }

  /**
   * With `tls`, clients must speak TLS to an https:// clientUrl and present a certificate from `tls.caFile`
   * (etcd --client-cert-auth); the harness itself probes a plaintext metrics port.
   */
  static start(opts: { name?: string; tls?: EtcdTlsFiles } = {}): Promise<EtcdProcess> {
    const name = opts.name ?? 'etcd0';
    return retryPortRace(async () => {
      const [clientPort, peerPort, metricsPort] = await freePorts(opts.tls ? 3 : 2);
      return EtcdProcess.startMember({
        name,
        clientPort,
        peerPort,
        initialCluster: `${name}=${peerUrl(peerPort)}`,
        clusterToken: `pimcp-${randomUUID()}`,
        ...(opts.tls ? { tls: opts.tls, metricsPort } : {}),
      });
    });
  }

  /** Starts one member of a cluster described by `spec`; EtcdCluster starts them all at once. */
  static async startMember(spec: EtcdMemberSpec): Promise<EtcdProcess> {
    const member = new EtcdProcess(spec);
    try {
      await member.process.start(() => isEtcdHealthy(member.healthUrl));
    } catch (error) {
      // A lost port race is retried with a new dir; anything else keeps its
      // log on disk for whoever reads the error.
      if (error instanceof HarnessException && error.retryable) removeDir(member.rootDir);
      throw error;
    }
    return member;
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  /** Kills etcd (SIGKILL by default, like a crash) and waits; data stays for restart(). */
  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    return this.process.kill(signal);
  }

  /**
   * Starts etcd again on the same ports and data dir and waits until healthy.
   * The data dir holds the membership, so etcd ignores the --initial-* flags
   * it is given again. A cluster member only turns healthy with quorum.
   */
  async restart(): Promise<void> {
    if (this.stopping) {
      throw new HarnessException(
        HarnessErrorCode.AlreadyStopped,
        `etcd member ${this.spec.name} was stopped; start a new one`,
      );
    }
    await this.process.kill('SIGTERM');
    await this.process.start(() => isEtcdHealthy(this.healthUrl));
  }

  /** Stops etcd gracefully and deletes its files. Safe to call twice. */
  stop(): Promise<void> {
    this.stopping ??= this.process.kill('SIGTERM').then(() => removeDir(this.rootDir));
    return this.stopping;
  }

  /** Last lines etcd logged; for assertion messages when a test fails. */
  logTail(lines?: number): string {
    return this.process.logTail(lines);
  }
}

function etcdArgs(spec: EtcdMemberSpec, dataDir: string): string[] {
  const client = clientUrl(spec.clientPort, Boolean(spec.tls));
  const peer = peerUrl(spec.peerPort);
  const tls = spec.tls;
  return [
    ...['--name', spec.name, '--data-dir', dataDir],
    ...['--listen-client-urls', client, '--advertise-client-urls', client],
    ...['--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer],
    ...['--initial-cluster', spec.initialCluster, '--initial-cluster-state', 'new'],
    ...['--initial-cluster-token', spec.clusterToken],
    // Ten times faster than the defaults: elections after a kill finish in
    // about a second, still well above loopback round trips.
    ...['--heartbeat-interval', '50', '--election-timeout', '500'],
    ...['--logger', 'zap', '--log-level', 'warn'],
    ...(tls ? ['--cert-file', tls.certFile, '--key-file', tls.keyFile, '--trusted-ca-file', tls.caFile, '--client-cert-auth'] : []),
    ...(spec.metricsPort ? ['--listen-metrics-urls', `http://127.0.0.1:${spec.metricsPort}`] : []),
  ];
}

/** ETCD_* variables from the developer's shell would override or clash with the flags. */
function envWithoutEtcdVars(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('ETCD_') || key === 'ETCD_UNSUPPORTED_ARCH'),
  );
}
