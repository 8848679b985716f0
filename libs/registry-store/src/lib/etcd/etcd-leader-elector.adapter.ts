/** Leader election among registry (or context-sync) replicas through etcd3's election recipe. */
import { ErrorCode, PimcpError } from '@pimcp/protocol';
import type { Campaign, Election, Etcd3 } from 'etcd3';
import type { LeaderElector } from '../port/leader-elector.port';
import { registryKeys, REGISTRY_PREFIX } from '../registry-keys';
import { createEtcdClient, hostList, type EtcdConnectionOptions } from './etcd-client.factory';
import { toStoreError } from './etcd-error.mapper';

export interface EtcdLeaderElectorOptions extends EtcdConnectionOptions {
  /** Candidates of the same service contend; keys live under registryKeys.election(service). */
  service: string;
  /** TTL of the campaign lease: how long a crashed leader blocks a takeover (default 10 s). */
  ttlSeconds?: number;
  /** Pause before campaigning again after a campaign failed or its lease was lost (default 1000 ms). */
  retryDelayMs?: number;
}

export class EtcdLeaderElector implements LeaderElector {
  private client: Etcd3 | undefined;
  private current: Campaign | undefined;
  private candidateId: string | undefined;
  private onChange: ((isLeader: boolean) => void) | undefined;
  private leading = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private watchdogTimer: NodeJS.Timeout | undefined;
  private readonly ttlSeconds: number;
  private readonly hosts: string[];

  constructor(private readonly options: EtcdLeaderElectorOptions) {
    this.ttlSeconds = options.ttlSeconds ?? 10;
    this.hosts = hostList(options.hosts);
  }

  get isLeader(): boolean {
    return this.leading;
  }

  async campaign(candidateId: string, onChange: (isLeader: boolean) => void): Promise<void> {
    if (this.candidateId !== undefined) {
      throw new PimcpError(ErrorCode.InvalidRequest,
        `this elector already campaigns as "${this.candidateId}"; call resign() before campaigning again`);
    }
    this.candidateId = candidateId;
    this.onChange = onChange;
    this.start();
  }

  async leader(): Promise<string | undefined> {
    try {
      return await this.election().leader();
    } catch (error) {
      throw toStoreError(error, this.hosts, `looking up the leader of "${this.options.service}"`);
    }
  }

  async resign(): Promise<void> {
    if (this.candidateId === undefined) return;
    this.candidateId = undefined;
    clearTimeout(this.retryTimer);
    this.stopWatchdog();
    const campaign = this.current;
    this.current = undefined;
    // If etcd is unreachable the campaign lease simply expires; resigning must not fail the caller's shutdown.
    await campaign?.resign().catch(() => undefined);
    this.setLeading(false);
    this.client?.close();
    this.client = undefined;
  }

  private start(): void {
    const candidateId = this.candidateId;
    if (candidateId === undefined) return;
    const campaign = this.election().campaign(candidateId);
    this.current = campaign;
    campaign.on('elected', () => {
      if (this.current !== campaign) return;
      this.setLeading(true);
      this.startWatchdog(campaign);
    });
    // Fired when the campaign could not start or its lease was lost: another replica may lead by now.
    campaign.on('error', () => this.lose(campaign));
  }

  private lose(campaign: Campaign): void {
    if (this.current !== campaign) return;
    this.current = undefined;
    this.stopWatchdog();
    campaign.resign().catch(() => undefined);
    this.setLeading(false);
    if (this.candidateId === undefined) return;
    this.retryTimer = setTimeout(() => this.start(), this.options.retryDelayMs ?? 1000);
  }

  /**
   * etcd3 declares a lease lost only after 2 x TTL without a keepalive, while other replicas can take over after
   * one TTL. The leader therefore checks its campaign key itself and steps down once it could not confirm it for
   * half a TTL, which is before the lease can have expired for a leader that kept renewing it.
   */
  private startWatchdog(campaign: Campaign): void {
    const ttlMs = this.ttlSeconds * 1000;
    const client = this.connection();
    let confirmedAt = Date.now();
    const check = async (): Promise<void> => {
      if (this.current !== campaign) return;
      try {
        const key = await campaign.getCampaignKey();
        const exists = await client.get(key).options({ deadline: Date.now() + ttlMs / 4 }).exists();
        if (!exists) return this.lose(campaign);
        confirmedAt = Date.now();
      } catch {
        if (Date.now() - confirmedAt >= ttlMs / 2) return this.lose(campaign);
      }
      if (this.current === campaign) this.watchdogTimer = setTimeout(() => void check(), ttlMs / 4);
    };
    this.watchdogTimer = setTimeout(() => void check(), ttlMs / 4);
  }

  private stopWatchdog(): void {
    clearTimeout(this.watchdogTimer);
    this.watchdogTimer = undefined;
  }

  private setLeading(leading: boolean): void {
    if (this.leading === leading) return;
    this.leading = leading;
    this.onChange?.(leading);
  }

  private election(): Election {
    // Namespacing by REGISTRY_PREFIX makes etcd3 put candidates under `${registryKeys.election(service)}/<lease>`.
    return this.connection().namespace(REGISTRY_PREFIX).election(this.options.service, this.ttlSeconds);
  }

  private connection(): Etcd3 {
    this.client ??= createEtcdClient(this.options);
    return this.client;
  }

  /** The key prefix this elector's candidates are stored under (for operators and tests). */
  get keyPrefix(): string {
    return `${registryKeys.election(this.options.service)}/`;
  }
}
