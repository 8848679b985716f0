/** In-process leader election for the single-machine setup; several electors of one service contend in one process. */
import { ErrorCode, PimcpError } from '@pimcp/protocol';
import type { LeaderElector } from '../port/leader-elector.port';
import { EmbeddedElection, type EmbeddedCandidate } from './embedded-election.state';

export interface EmbeddedLeaderElectorOptions {
  /** Electors of the same service share one election (default "registry"). */
  service?: string;
  /** An explicit election to share, instead of the process-wide one of `service` (tests). */
  election?: EmbeddedElection;
}

export class EmbeddedLeaderElector implements LeaderElector {
  private readonly election: EmbeddedElection;
  private candidate: EmbeddedCandidate | undefined;
  private leading = false;
  private onChange: ((isLeader: boolean) => void) | undefined;

  constructor(options: EmbeddedLeaderElectorOptions = {}) {
    this.election = options.election ?? EmbeddedElection.forService(options.service ?? 'registry');
  }

  get isLeader(): boolean {
    return this.leading;
  }

  async campaign(candidateId: string, onChange: (isLeader: boolean) => void): Promise<void> {
    if (this.candidate) {
      throw new PimcpError(ErrorCode.InvalidRequest,
        `this elector already campaigns as "${this.candidate.id}"; call resign() before campaigning again`);
    }
    this.onChange = onChange;
    const candidate: EmbeddedCandidate = {
      id: candidateId,
      onElected: () => {
        if (this.candidate !== candidate) return;
        this.leading = true;
        onChange(true);
      },
    };
    this.candidate = candidate;
    this.election.enter(candidate);
  }

  async leader(): Promise<string | undefined> {
    return this.election.leader?.id;
  }

  async resign(): Promise<void> {
    const candidate = this.candidate;
    if (!candidate) return;
    this.candidate = undefined;
    this.election.leave(candidate);
    if (this.leading) {
      this.leading = false;
      this.onChange?.(false);
    }
  }
}
