import { ErrorCode, type HeartbeatReply, type JoinReply, type NodeManifest, PimcpError } from '@pimcp/protocol';
import { NodeMembership } from './node-membership';
import type { RegistryClient } from './registry-client';

/** A scripted stand-in for the registry link: unit tier only; the e2e tests use the real one. */
class FakeRegistryClient {
  joins = 0;
  heartbeats = 0;
  leaves: string[] = [];
  joinFailures: Error[] = [];
  heartbeatReplies: Array<HeartbeatReply | Error> = [];

  async join(manifest: NodeManifest): Promise<JoinReply> {
    this.joins += 1;
    const failure = this.joinFailures.shift();
    if (failure) throw failure;
    return { nodeId: manifest.nodeId, leaseId: String(this.joins), ttlSeconds: 3, heartbeatIntervalMs: 10, revision: this.joins };
  }

  async heartbeat(nodeId: string): Promise<HeartbeatReply> {
    this.heartbeats += 1;
    const next = this.heartbeatReplies.shift() ?? { nodeId, draining: false };
    if (next instanceof Error) throw next;
    return next;
  }

  async leave(nodeId: string): Promise<void> {
    this.leaves.push(nodeId);
  }
}

const manifest = () => ({ nodeId: 'pi-1', labels: {}, linkAddress: 'tcp://127.0.0.1:1', capabilities: [] }) as NodeManifest;
const until = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(cond()).toBe(true);
};

describe(NodeMembership.name, () => {
  let fake: FakeRegistryClient;
  let membership: NodeMembership;

  beforeEach(() => {
    fake = new FakeRegistryClient();
  });

  afterEach(async () => {
    await membership?.stop();
  });

  describe('start', () => {
    it('retries a failed join until the registry answers', async () => {
      fake.joinFailures.push(new PimcpError(ErrorCode.RegistryUnavailable, 'down'), new PimcpError(ErrorCode.RegistryUnavailable, 'down'));
      membership = new NodeMembership(fake as unknown as RegistryClient, manifest, { initialRetryMs: 1 });
      await membership.start();
      expect(fake.joins).toBe(3);
    });

    it('heartbeats at the interval the registry asked for', async () => {
      membership = new NodeMembership(fake as unknown as RegistryClient, manifest);
      await membership.start();
      await until(() => fake.heartbeats >= 3);
    });
  });

  it('joins again when the registry says the lease is gone', async () => {
    fake.heartbeatReplies.push(new PimcpError(ErrorCode.NodeUnknown, 'expired'));
    membership = new NodeMembership(fake as unknown as RegistryClient, manifest);
    await membership.start();
    await until(() => fake.joins === 2);
  });

  it('tells the node once when it is drained', async () => {
    const onDraining = jest.fn();
    fake.heartbeatReplies.push({ nodeId: 'pi-1', draining: true }, { nodeId: 'pi-1', draining: true });
    membership = new NodeMembership(fake as unknown as RegistryClient, manifest, { onDraining });
    await membership.start();
    await until(() => fake.heartbeats >= 3);
    expect(onDraining).toHaveBeenCalledTimes(1);
  });

  describe('republish', () => {
    it('sends the current manifest again once joined, and does nothing after stop', async () => {
      let capabilities = 0;
      const sent: number[] = [];
      const changing = () => ({ ...manifest(), capabilities: Array.from({ length: capabilities }, () => ({})) }) as NodeManifest;
      const joinSpy = jest.spyOn(fake, 'join').mockImplementation(async (m) => {
        sent.push(m.capabilities.length);
        return { nodeId: m.nodeId, leaseId: '1', ttlSeconds: 3, heartbeatIntervalMs: 1000, revision: sent.length };
      });
      membership = new NodeMembership(fake as unknown as RegistryClient, changing);
      await membership.republish(); // before start: nothing to re-publish yet
      await membership.start();
      capabilities = 2;
      await membership.republish();
      expect(sent).toEqual([0, 2]);
      await membership.stop();
      await membership.republish();
      expect(joinSpy).toHaveBeenCalledTimes(2);
    });
  });

  describe('stop', () => {
    it('leaves and stops heartbeating', async () => {
      membership = new NodeMembership(fake as unknown as RegistryClient, manifest);
      await membership.start();
      await membership.stop();
      const beats = fake.heartbeats;
      await new Promise((r) => setTimeout(r, 50));
      expect(fake.leaves).toEqual(['pi-1']);
      expect(fake.heartbeats).toBe(beats);
    });
  });
});
