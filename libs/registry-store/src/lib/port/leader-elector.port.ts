/** Leader election among replicas of one service. */
export interface LeaderElector {
  /** Starts campaigning; `onChange(true)` when this candidate becomes leader, `onChange(false)` when it loses it. */
  campaign(candidateId: string, onChange: (isLeader: boolean) => void): Promise<void>;
  readonly isLeader: boolean;
  /** The current leader's candidate id, if known. */
  leader(): Promise<string | undefined>;
  /** Gives up leadership (if held) and stops campaigning. */
  resign(): Promise<void>;
}
