import { ErrorCode, type InvokeRequest, type ProgressEvent } from '@pimcp/protocol';
import { freePort, RedisProcess } from '@pimcp/testing';
import { NodeLinkClient } from '../gateway/node-link.client';
import { publicRedisAddress } from '../redis-link-options';
import { RedisLinkServer } from './redis-link.server';
import { linkTestTools } from '../../test-support/link-test-tools';
import { ToolInvoker } from './tool-invoker';

let aborted: unknown;
const invoker = new ToolInvoker(linkTestTools((reason) => (aborted = reason)));

describe(RedisLinkServer.name, () => {
  let redis: RedisProcess;
  let server: RedisLinkServer;
  let client: NodeLinkClient;

  beforeAll(async () => {
    redis = await RedisProcess.start({ password: 'broker-secret' });
    server = new RedisLinkServer(invoker, { url: redis.url, nodeId: 'pi-behind-nat' });
    await server.start();
    // The node publishes only the broker's address; the gateway brings its own credentials.
    const linkAddress = publicRedisAddress(redis.url);
    expect(linkAddress).not.toContain('broker-secret');
    client = new NodeLinkClient({ nodeId: 'pi-behind-nat', linkAddress }, { redisUrl: redis.url });
  });

  afterAll(async () => {
    client?.close();
    await server?.close();
    await redis?.stop();
  });

  const request = (tool: string, deadlineMs = 5000): InvokeRequest => ({
    requestId: `r-${Math.random()}`, tool, arguments: {}, deadline: Date.now() + deadlineMs, caller: { subject: 'test' },
  });

  it('carries progress then the result through the broker', async () => {
    const progress: ProgressEvent[] = [];
    const result = await client.invoke(request('test.count'), { onProgress: (e) => progress.push(e) });
    expect(progress.map((p) => p.progress)).toEqual([1, 2, 3]);
    expect(result).toEqual({ content: [{ type: 'text', text: 'counted' }], structuredContent: { n: 3 } });
  });

  it('rebuilds the node\'s typed error', async () => {
    await expect(client.invoke(request('no.such'))).rejects.toMatchObject({ code: ErrorCode.ToolUnknown });
  });

  it('aborts the handler on the node when the caller aborts', async () => {
    aborted = undefined;
    const controller = new AbortController();
    const call = client.invoke(request('test.wait'), { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 100));
    controller.abort('stop');
    await expect(call).rejects.toMatchObject({ code: ErrorCode.Cancelled });
    for (let i = 0; i < 100 && !aborted; i++) await new Promise((r) => setTimeout(r, 10));
    expect(aborted).toMatchObject({ code: ErrorCode.Cancelled });
  });

  it('gives up at the deadline when no node listens on the channel', async () => {
    const absent = new NodeLinkClient({ nodeId: 'pi-gone', linkAddress: publicRedisAddress(redis.url) }, { redisUrl: redis.url });
    await expect(absent.invoke(request('test.count', 200))).rejects.toMatchObject({ code: ErrorCode.DeadlineExceeded });
    absent.close();
  });

  it('fails with NODE_UNAVAILABLE when the broker cannot be reached', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const unreachable = new NodeLinkClient({ nodeId: 'pi-x', linkAddress: url }, { redisUrl: url });
    await expect(unreachable.invoke(request('test.count'))).rejects.toMatchObject({ code: ErrorCode.NodeUnavailable });
    unreachable.close();
  });
});
