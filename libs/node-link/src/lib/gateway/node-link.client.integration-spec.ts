import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { Catch, Controller, type INestMicroservice, Module, type RpcExceptionFilter, type Type, UseFilters } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, MessagePattern, type MicroserviceOptions, Payload, Transport } from '@nestjs/microservices';
import { ErrorCode, NodeLinkPatterns, PimcpError } from '@pimcp/protocol';
import { freePort } from '@pimcp/testing';
import { throwError } from 'rxjs';
import { linkTestOfferings, linkTestTools } from '../../test-support/link-test-tools';
import { describeNodeLinkContract, linkRequest } from '../../test-support/node-link.contract';
import { NodeLinkHandlers } from '../node/node-link.handlers';
import { ToolInvoker } from '../node/tool-invoker';
import { NodeLinkClientPool } from './node-link-client.pool';
import { NodeLinkClient } from './node-link.client';

let aborted: unknown;
const handlers = new NodeLinkHandlers(new ToolInvoker(linkTestTools((reason) => (aborted = reason))), linkTestOfferings());

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
  invoke(@Payload() payload: unknown) {
    return handlers.invoke(payload);
  }

  @MessagePattern(NodeLinkPatterns.request)
  request(@Payload() payload: unknown) {
    return handlers.request(payload);
  }

  @MessagePattern(NodeLinkPatterns.ping)
  ping() {
    return handlers.ping();
  }

  @EventPattern(NodeLinkPatterns.cancel)
  cancel(@Payload() payload: unknown) {
    handlers.cancel(payload);
  }
}

@Module({ controllers: [TestLinkController] })
class TestLinkModule {}

@Module({})
class EmptyModule {}

async function nestServer(module: Type<unknown>): Promise<{ app: INestMicroservice; address: string }> {
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(module, { transport: Transport.TCP, options: { host: '127.0.0.1', port: 0 }, logger: false });
  await app.listen();
  return { app, address: `tcp://127.0.0.1:${(app.unwrap<Server>().address() as AddressInfo).port}` };
}

/** A raw TCP peer that does whatever `onSocket` says with each connection; close() drops them all. */
async function rawServer(onSocket: (socket: Socket) => void): Promise<{ close(): void; address: string }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `tcp://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      sockets.forEach((s) => s.destroy());
      server.close();
    },
  };
}

describeNodeLinkContract('TCP', async () => {
  const server = await nestServer(TestLinkModule);
  const client = new NodeLinkClient({ nodeId: 'test', linkAddress: server.address });
  return {
    client,
    abortReason: () => aborted,
    cleanup: async () => {
      client.close();
      await server.app.close();
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

  it('fails with DEADLINE_EXCEEDED on its own when the node accepted the call but never answers', async () => {
    const silent = await rawServer(() => undefined);
    const quiet = new NodeLinkClient({ nodeId: 'silent', linkAddress: silent.address }, { deadlineSlackMs: 50 });
    try {
      const started = Date.now();
      await expect(quiet.invoke(linkRequest('test.count', 200))).rejects.toMatchObject({ code: ErrorCode.DeadlineExceeded, message: expect.stringContaining(silent.address) });
      expect(Date.now() - started).toBeGreaterThanOrEqual(240);
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      quiet.close();
      silent.close();
    }
  });

  it('fails fast with NODE_UNAVAILABLE when the connection drops mid-call', async () => {
    const dropping = await rawServer((socket) => socket.once('data', () => setTimeout(() => socket.destroy(), 50)));
    const doomed = new NodeLinkClient({ nodeId: 'doomed', linkAddress: dropping.address });
    try {
      const started = Date.now();
      await expect(doomed.invoke(linkRequest('test.wait', 10_000))).rejects.toMatchObject({ code: ErrorCode.NodeUnavailable, message: expect.stringContaining('lost during the call') });
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      doomed.close();
      dropping.close();
    }
  });

  it('says so when the address is a Nest service but not a node', async () => {
    const other = await nestServer(EmptyModule);
    const wrong = new NodeLinkClient({ nodeId: 'wrong', linkAddress: other.address });
    try {
      await expect(wrong.invoke(linkRequest('test.count'))).rejects.toMatchObject({ code: ErrorCode.NodeUnavailable, message: expect.stringContaining('is it a PiMCP node?') });
    } finally {
      wrong.close();
      await other.app.close();
    }
  });

  it('refuses link addresses it cannot dial', () => {
    expect(() => new NodeLinkClient({ nodeId: 'x', linkAddress: 'http://127.0.0.1:80' })).toThrow(/tcp:\/\/ or redis:\/\//);
    expect(() => new NodeLinkClient({ nodeId: 'x', linkAddress: 'redis://127.0.0.1:6379' })).toThrow(/PIMCP_NODE_LINK_REDIS_URL/);
  });
});

describe(NodeLinkClientPool.name, () => {
  it('keeps one client per node, reconnects after forget, and closes them all', async () => {
    const node = await nestServer(TestLinkModule);
    const pool = new NodeLinkClientPool();
    const target = { nodeId: 'pi-1', linkAddress: node.address };
    try {
      expect(pool.get(target)).toBe(pool.get({ ...target }));
      expect(await pool.get(target).invoke(linkRequest('test.count'))).toMatchObject({ structuredContent: { n: 3 } });
      expect(() => pool.get({ nodeId: 'x', linkAddress: 'http://x:1' })).toThrow(expect.objectContaining({ code: ErrorCode.NodeUnavailable }));
      expect(pool.size).toBe(1);
      pool.forget(target);
      expect(pool.size).toBe(0);
      expect(await pool.get(target).invoke(linkRequest('test.count'))).toMatchObject({ structuredContent: { n: 3 } });
    } finally {
      pool.close();
      await node.app.close();
    }
  });
});
