import { randomUUID } from 'node:crypto';
import { freePorts } from '../net/free-port.util';
import { retryPortRace } from '../util/retry-port-race.util';
import { EtcdMemberSpec, peerUrl } from './etcd-member-spec';
import { EtcdProcess } from './etcd-process';

/** A statically bootstrapped etcd cluster on loopback, for quorum and failover tests. */
export class EtcdCluster {
  readonly clientUrls: string[];

  private constructor(readonly members: EtcdProcess[]) {
    this.clientUrls = members.map((member) => member.clientUrl);
  }

  static async start(size = 3): Promise<EtcdCluster> {
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`EtcdCluster size must be a positive integer, got ${size}`);
    }
    return retryPortRace(() => EtcdCluster.startOnce(size));
  }

  private static async startOnce(size: number): Promise<EtcdCluster> {
    const ports = await freePorts(size * 2);
    const named = Array.from({ length: size }, (_, i) => ({
      name: `member-${i}`,
      clientPort: ports[2 * i],
      peerPort: ports[2 * i + 1],
    }));
    const initialCluster = named.map((m) => `${m.name}=${peerUrl(m.peerPort)}`).join(',');
    const clusterToken = `pimcp-${randomUUID()}`;
    const specs: EtcdMemberSpec[] = named.map((m) => ({ ...m, initialCluster, clusterToken }));

    // All at once: no member becomes healthy before a quorum of them runs.
    const results = await Promise.allSettled(specs.map((spec) => EtcdProcess.startMember(spec)));
    const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await new EtcdCluster(started).stop();
      throw failed.reason;
    }
    return new EtcdCluster(started);
  }

  async killMember(index: number): Promise<void> {
    await this.member(index).kill('SIGKILL');
  }

  /** Waits until the member is healthy, which needs a quorum of running members. */
  async restartMember(index: number): Promise<void> {
    await this.member(index).restart();
  }

  /** Kills every member, then deletes their files. Safe to call twice. */
  async stop(): Promise<void> {
    // SIGKILL first: a leader given SIGTERM tries to hand over leadership to
    // peers that are stopping too and hangs for seconds, and the data is
    // about to be deleted anyway.
    await Promise.all(this.members.map((member) => member.kill('SIGKILL')));
    await Promise.all(this.members.map((member) => member.stop()));
  }

  private member(index: number): EtcdProcess {
    const member = this.members[index];
    if (!member) {
      throw new RangeError(`No etcd member ${index}; this cluster has members 0..${this.members.length - 1}`);
    }
    return member;
  }
}
