import type { AddressInfo, Server } from 'node:net';
import { Controller, type INestMicroservice, Module, UseFilters, Catch, type RpcExceptionFilter } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, MessagePattern, type MicroserviceOptions, Payload, Transport } from '@nestjs/microservices';
import { type CancelRequest, ErrorCode, type InvokeRequest, NodeLinkPatterns, PimcpError, type ProgressEvent } from '@pimcp/protocol';
import { freePort } from '@pimcp/testing';
import { throwError } from 'rxjs';
import { linkTestTools } from '../../test-support/link-test-tools';
import { ToolInvoker } from '../node/tool-invoker';
import { NodeLinkClient } from './node-link.client';

let aborted: unknown;
const invoker = new ToolInvoker(linkTestTools((reason) => (aborted = reason)));

@Catch()
class BodyFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown) {
    return throwError(() => (exception instanceof PimcpError ? exception.toBody() : exception));
  }
}

/** A node link server as small as the edge node's, over the real Nest TCP transport. */
@Controller()
@UseFilters(BodyFilter)
class TestLinkController {
  @MessagePattern(NodeLinkPatterns.invoke)
  invoke(@Payload() request: InvokeRequest) {
    return invoker.invoke(request);
  }

  @EventPattern(NodeLinkPatterns.cancel)
  cancel(@Payload() request: CancelRequest) {
    invoker.cancel(request.requestId, request.reason);
  }
}

@Module({ controllers: [TestLinkController] })
class TestLinkModule {}

describe(NodeLinkClient.name, () => {
  let server: INestMicroservice;
  let client: NodeLinkClient;

  beforeAll(async () => {
    server = await NestFactory.createMicroservice<MicroserviceOptions>(TestLinkModule, { transport: Transport.TCP, options: { host: '127.0.0.1', port: 0 }, logger: false });
    await server.listen();
    client = new NodeLinkClient({ nodeId: 'test', linkAddress: `tcp://127.0.0.1:${(server.unwrap<Server>().address() as AddressInfo).port}` });
  });

  afterAll(async () => {
    client?.close();
    await server?.close();
  });

  const request = (tool: string, deadlineMs = 5000): InvokeRequest => ({
    requestId: `r-${Math.random()}`, tool, arguments: {}, deadline: Date.now() + deadlineMs, caller: { subject: 'test' },
  });

  describe('invoke', () => {
    it('delivers every progress event before the result, over real TCP', async () => {
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
      await new Promise((r) => setTimeout(r, 50));
      controller.abort('stop');
      await expect(call).rejects.toMatchObject({ code: ErrorCode.Cancelled });
      for (let i = 0; i < 50 && !aborted; i++) await new Promise((r) => setTimeout(r, 10));
      expect(aborted).toMatchObject({ code: ErrorCode.Cancelled });
    });

    it('fails with DEADLINE_EXCEEDED when the node enforces the deadline', async () => {
      await expect(client.invoke(request('test.wait', 100))).rejects.toMatchObject({ code: ErrorCode.DeadlineExceeded });
    });

    it('fails fast with NODE_UNAVAILABLE, naming the address, when nothing listens', async () => {
      const port = await freePort();
      const nowhere = new NodeLinkClient({ nodeId: 'nowhere', linkAddress: `tcp://127.0.0.1:${port}` });
      const started = Date.now();
      await expect(nowhere.invoke(request('test.count'))).rejects.toMatchObject({ code: ErrorCode.NodeUnavailable, message: expect.stringContaining(String(port)) });
      expect(Date.now() - started).toBeLessThan(2000);
      nowhere.close();
    });
  });

  it('refuses link addresses it cannot dial', () => {
    expect(() => new NodeLinkClient({ nodeId: 'x', linkAddress: 'http://127.0.0.1:80' })).toThrow(/tcp:\/\/ or redis:\/\//);
    expect(() => new NodeLinkClient({ nodeId: 'x', linkAddress: 'redis://127.0.0.1:6379' })).toThrow(/PIMCP_NODE_LINK_REDIS_URL/);
  });
});
