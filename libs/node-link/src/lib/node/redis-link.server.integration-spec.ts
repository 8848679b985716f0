import { ErrorCode } from '@pimcp/protocol';
import { freePort, RedisProcess } from '@pimcp/testing';
import { linkTestTools } from '../../test-support/link-test-tools';
import { describeNodeLinkContract, linkRequest } from '../../test-support/node-link.contract';
import { NodeLinkClient } from '../gateway/node-link.client';
import { publicRedisAddress } from '../redis-link-options';
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
  const server = new RedisLinkServer(new ToolInvoker(linkTestTools((reason) => (aborted = reason))), { url: redis.url, nodeId: 'pi-behind-nat' });
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

  it('fails with NODE_UNAVAILABLE when the broker cannot be reached', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const unreachable = new NodeLinkClient({ nodeId: 'pi-x', linkAddress: url }, { redisUrl: url });
    await expect(unreachable.invoke(linkRequest('test.count'))).rejects.toMatchObject({ code: ErrorCode.NodeUnavailable });
    unreachable.close();
  });
});
