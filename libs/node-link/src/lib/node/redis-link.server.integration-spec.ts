import { ErrorCode } from '@pimcp/protocol';
import { freePort, RedisProcess } from '@pimcp/testing';
import { linkTestOfferings, linkTestTools } from '../../test-support/link-test-tools';
import { describeNodeLinkContract, linkRequest } from '../../test-support/node-link.contract';
import { NodeLinkClient } from '../gateway/node-link.client';
import { NodeLinkClientPool } from '../gateway/node-link-client.pool';
import { publicRedisAddress } from '../redis-link-options';
import { NodeLinkHandlers } from './node-link.handlers';
import { RedisLinkServer } from './redis-link.server';
import { ToolInvoker } from './tool-invoker';

let aborted: unknown;
let redis: RedisProcess;

beforeAll(async () => {
  redis = await RedisProcess.start({ password: 'broker-secret' });
});

afterAll(async () => {
  await redis?.stop();
});

describeNodeLinkContract('Redis broker', async () => {
  const server = new RedisLinkServer(new NodeLinkHandlers(new ToolInvoker(linkTestTools((reason) => (aborted = reason))), linkTestOfferings()), { url: redis.url, nodeId: 'pi-behind-nat' });
  await server.start();
  const client = new NodeLinkClient({ nodeId: 'pi-behind-nat', linkAddress: publicRedisAddress(redis.url) }, { redisUrl: redis.url });
  return {
    client,
    abortReason: () => aborted,
    cleanup: async () => {
      client.close();
      await server.close();
    },
  };
});

describe(RedisLinkServer.name, () => {
  it('publishes the broker\'s address without its credentials', () => {
    expect(publicRedisAddress(redis.url)).toBe(`redis://127.0.0.1:${redis.port}`);
  });

  it('gives up at the deadline when no node listens on the channel', async () => {
    const absent = new NodeLinkClient({ nodeId: 'pi-gone', linkAddress: publicRedisAddress(redis.url) }, { redisUrl: redis.url });
    await expect(absent.invoke(linkRequest('test.count', 200))).rejects.toMatchObject({ code: ErrorCode.DeadlineExceeded });
    absent.close();
  });

  it('fails a call in flight within a ping timeout once its node left the registry and stopped answering', async () => {
    // No node listens: the broker accepts the call and, without the ping, nothing would say so until the deadline.
    const pool = new NodeLinkClientPool({ redisUrl: redis.url, departedPingIntervalMs: 100, departedPingTimeoutMs: 300 });
    const target = { nodeId: 'pi-crashed', linkAddress: publicRedisAddress(redis.url) };
    const call = pool.get(target).invoke(linkRequest('test.wait', 60_000)).then(() => undefined, (e: unknown) => e);
    await new Promise((r) => setTimeout(r, 100));
    const droppedAt = Date.now();
    expect(pool.retainOnly([])).toEqual([]); // busy: watched, not closed
    expect(await call).toMatchObject({ code: ErrorCode.NodeUnavailable, message: expect.stringContaining('node pi-crashed left the registry') });
    expect(Date.now() - droppedAt).toBeLessThan(2000);
    expect(pool.size).toBe(0);
    pool.close();
  });

  it('keeps the link of a node that left but still answers, so its call in flight can finish', async () => {
    const server = new RedisLinkServer(new NodeLinkHandlers(new ToolInvoker(linkTestTools(() => undefined)), undefined, 'pi-leaving'), { url: redis.url, nodeId: 'pi-leaving' });
    await server.start();
    const pool = new NodeLinkClientPool({ redisUrl: redis.url, departedPingIntervalMs: 100, departedPingTimeoutMs: 1000 });
    try {
      const target = { nodeId: 'pi-leaving', linkAddress: publicRedisAddress(redis.url) };
      // The node enforces this deadline itself: its own DEADLINE_EXCEEDED proves the link stayed open.
      const call = pool.get(target).invoke(linkRequest('test.wait', 800));
      await new Promise((r) => setTimeout(r, 100));
      pool.retainOnly([]);
      await expect(call).rejects.toMatchObject({ code: ErrorCode.DeadlineExceeded });
      expect(pool.retainOnly([])).toEqual([]);
    } finally {
      pool.close();
      await server.close();
    }
  });

  it('closes idle links of nodes that left at once and keeps live ones', () => {
    const pool = new NodeLinkClientPool({ redisUrl: redis.url });
    const live = { nodeId: 'pi-live', linkAddress: publicRedisAddress(redis.url) };
    const moved = { nodeId: 'pi-moved', linkAddress: publicRedisAddress(redis.url) };
    const first = pool.get(live);
    pool.get(moved);
    expect(pool.retainOnly([live, { nodeId: 'pi-moved', linkAddress: 'tcp://10.0.0.9:7600' }])).toEqual(['pi-moved']);
    expect(pool.get(live)).toBe(first);
    pool.close();
  });

  it('fails with NODE_UNAVAILABLE when the broker cannot be reached', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const unreachable = new NodeLinkClient({ nodeId: 'pi-x', linkAddress: url }, { redisUrl: url });
    await expect(unreachable.invoke(linkRequest('test.count'))).rejects.toMatchObject({ code: ErrorCode.NodeUnavailable });
    unreachable.close();
  });
});
