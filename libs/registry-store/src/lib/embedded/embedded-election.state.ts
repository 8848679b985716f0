/** The shared state of one in-process election: candidates in arrival order, the first one leads. */

export interface EmbeddedCandidate {
  readonly id: string;
  /** Called (asynchronously) when this candidate becomes the leader. */
  onElected(): void;
}

export class EmbeddedElection {
  private static readonly byService = new Map<string, EmbeddedElection>();
  private readonly candidates: EmbeddedCandidate[] = [];
  private announced: EmbeddedCandidate | undefined;

  /** The process-wide election of a service, so electors created in different modules still contend. */
  static forService(service: string): EmbeddedElection {
    let election = EmbeddedElection.byService.get(service);
    if (!election) {
      election = new EmbeddedElection();
      EmbeddedElection.byService.set(service, election);
    }
    return election;
  }

  get leader(): EmbeddedCandidate | undefined {
    return this.candidates[0];
  }

  enter(candidate: EmbeddedCandidate): void {
    this.candidates.push(candidate);
    this.announceLeader();
  }

  /** Removes the candidate; if it led, the next in line takes over. */
  leave(candidate: EmbeddedCandidate): void {
    const index = this.candidates.indexOf(candidate);
    if (index < 0) return;
    this.candidates.splice(index, 1);
    if (this.announced === candidate) this.announced = undefined;
    this.announceLeader();
  }

  private announceLeader(): void {
    // Deferred like an etcd election result, and re-checked so a candidate that left meanwhile is never told it won.
    queueMicrotask(() => {
      const leader = this.candidates[0];
      if (!leader || this.announced === leader) return;
      this.announced = leader;
      leader.onElected();
    });
  }
}
