/// <reference types="jest" />
/** The behaviour every LeaderElector adapter must share; each call of `createElector` is one more candidate. */
import type { LeaderElector } from '../port/leader-elector.port';
import { eventually } from './eventually.util';

export interface LeaderElectorContractFixture {
  /** A new candidate in the same election as every other elector of this fixture. */
  createElector(): LeaderElector;
  cleanup(): Promise<void>;
}

interface Candidate {
  id: string;
  elector: LeaderElector;
  changes: boolean[];
}

export function describeLeaderElectorContract(name: string, factory: () => Promise<LeaderElectorContractFixture>): void {
  describe(name, () => {
    let fixture: LeaderElectorContractFixture;
    let candidates: Candidate[] = [];

    const campaign = async (id: string): Promise<Candidate> => {
      const candidate: Candidate = { id, elector: fixture.createElector(), changes: [] };
      candidates.push(candidate);
      await candidate.elector.campaign(id, (isLeader) => candidate.changes.push(isLeader));
      return candidate;
    };
    const leaderOf = (group: Candidate[]) => async () => {
      const leaders = group.filter((c) => c.elector.isLeader);
      return leaders.length === 1 ? leaders[0] : undefined;
    };

    beforeEach(async () => {
      fixture = await factory();
      candidates = [];
    });

    afterEach(async () => {
      await Promise.all(candidates.map((c) => c.elector.resign()));
      await fixture.cleanup();
    });

    describe('campaign', () => {
      it('elects exactly one of two candidates, and both agree who it is', async () => {
        const group = [await campaign('replica-1'), await campaign('replica-2')];

        const leader = await eventually(leaderOf(group), { timeoutMs: 10_000, description: 'one leader' });
        await new Promise((resolve) => setTimeout(resolve, 300));

        expect(group.filter((c) => c.elector.isLeader)).toEqual([leader]);
        expect(leader.changes).toEqual([true]);
        const follower = group.find((c) => c !== leader) as Candidate;
        expect(follower.changes).toEqual([]);
        expect(await leader.elector.leader()).toBe(leader.id);
        expect(await follower.elector.leader()).toBe(leader.id);
      });
    });

    describe('resign', () => {
      it('hands leadership over to the remaining candidate', async () => {
        const group = [await campaign('replica-1'), await campaign('replica-2')];
        const first = await eventually(leaderOf(group), { timeoutMs: 10_000, description: 'one leader' });
        const other = group.find((c) => c !== first) as Candidate;

        await first.elector.resign();

        expect(first.elector.isLeader).toBe(false);
        expect(first.changes).toEqual([true, false]);
        await eventually(() => (other.elector.isLeader ? true : undefined), { timeoutMs: 10_000, description: 'takeover' });
        expect(other.changes).toEqual([true]);
        expect(await other.elector.leader()).toBe(other.id);
      });

      it('leaves the leader in place when a follower resigns', async () => {
        const group = [await campaign('replica-1'), await campaign('replica-2')];
        const leader = await eventually(leaderOf(group), { timeoutMs: 10_000, description: 'one leader' });
        const follower = group.find((c) => c !== leader) as Candidate;

        await follower.elector.resign();
        await new Promise((resolve) => setTimeout(resolve, 300));

        expect(leader.elector.isLeader).toBe(true);
        expect(follower.changes).toEqual([]);
        expect(await leader.elector.leader()).toBe(leader.id);
      });

      it('is a no-op for an elector that never campaigned', async () => {
        await expect(fixture.createElector().resign()).resolves.toBeUndefined();
      });
    });
  });
}
