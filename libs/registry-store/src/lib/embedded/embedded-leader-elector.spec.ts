import { ErrorCode } from '@pimcp/protocol';
import { describeLeaderElectorContract } from '../contract/leader-elector.contract';
import { EmbeddedElection } from './embedded-election.state';
import { EmbeddedLeaderElector } from './embedded-leader-elector.adapter';

describeLeaderElectorContract(EmbeddedLeaderElector.name, async () => {
  const election = new EmbeddedElection();
  return { createElector: () => new EmbeddedLeaderElector({ election }), cleanup: async () => undefined };
});

describe(EmbeddedLeaderElector.name, () => {
  describe('campaign', () => {
    it('shares the process-wide election of a service between electors created separately', async () => {
      const a = new EmbeddedLeaderElector({ service: 'spec-shared' });
      const b = new EmbeddedLeaderElector({ service: 'spec-shared' });
      await a.campaign('a', () => undefined);
      await b.campaign('b', () => undefined);
      await new Promise((resolve) => setImmediate(resolve));

      expect([a.isLeader, b.isLeader]).toEqual([true, false]);
      expect(await b.leader()).toBe('a');
      await Promise.all([a.resign(), b.resign()]);
    });

    it('refuses a second campaign on the same elector until it resigns', async () => {
      const elector = new EmbeddedLeaderElector({ election: new EmbeddedElection() });
      await elector.campaign('a', () => undefined);

      await expect(elector.campaign('a', () => undefined)).rejects.toMatchObject({ code: ErrorCode.InvalidRequest });
      await elector.resign();
      await expect(elector.campaign('a', () => undefined)).resolves.toBeUndefined();
      await elector.resign();
    });
  });
});
