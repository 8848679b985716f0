import type { AddressInfo, Server } from 'node:net';
import { Catch, Controller, Module, type RpcExceptionFilter, UseFilters } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, MessagePattern, type MicroserviceOptions, Payload, Transport } from '@nestjs/microservices';
import { type CancelRequest, ErrorCode, type InvokeRequest, NodeLinkPatterns, PimcpError } from '@pimcp/protocol';
import { freePort } from '@pimcp/testing';
import { throwError } from 'rxjs';
import { linkTestTools } from '../../test-support/link-test-tools';
import { describeNodeLinkContract, linkRequest } from '../../test-support/node-link.contract';
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

describeNodeLinkContract('TCP', async () => {
  const server = await NestFactory.createMicroservice<MicroserviceOptions>(TestLinkModule, { transport: Transport.TCP, options: { host: '127.0.0.1', port: 0 }, logger: false });
  await server.listen();
  const client = new NodeLinkClient({ nodeId: 'test', linkAddress: `tcp://127.0.0.1:${(server.unwrap<Server>().address() as AddressInfo).port}` });
  return {
    client,
    abortReason: () => aborted,
    cleanup: async () => {
      client.close();
      await server.close();
    },
  };
});

describe(NodeLinkClient.name, () => {
  it('fails fast with NODE_UNAVAILABLE, naming the address, when nothing listens', async () => {
    const port = await freePort();
    const nowhere = new NodeLinkClient({ nodeId: 'nowhere', linkAddress: `tcp://127.0.0.1:${port}` });
    const started = Date.now();
    await expect(nowhere.invoke(linkRequest('test.count'))).rejects.toMatchObject({ code: ErrorCode.NodeUnavailable, message: expect.stringContaining(String(port)) });
    expect(Date.now() - started).toBeLessThan(2000);
    nowhere.close();
  });

  it('refuses link addresses it cannot dial', () => {
    expect(() => new NodeLinkClient({ nodeId: 'x', linkAddress: 'http://127.0.0.1:80' })).toThrow(/tcp:\/\/ or redis:\/\//);
    expect(() => new NodeLinkClient({ nodeId: 'x', linkAddress: 'redis://127.0.0.1:6379' })).toThrow(/PIMCP_NODE_LINK_REDIS_URL/);
  });
});
