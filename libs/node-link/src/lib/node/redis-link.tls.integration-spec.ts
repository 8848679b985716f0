import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, RedisProcess } from '@pimcp/testing';
import { redisTlsOf, writeDevCertificates, type WrittenDevCertificates } from '@pimcp/tls';
import { linkTestOfferings, linkTestTools } from '../../test-support/link-test-tools';
import { linkRequest } from '../../test-support/node-link.contract';
import { NodeLinkClient } from '../gateway/node-link.client';
import { publicRedisAddress } from '../redis-link-options';
import { NodeLinkHandlers } from './node-link.handlers';
import { RedisLinkServer } from './redis-link.server';
import { ToolInvoker } from './tool-invoker';

/** The broker link over Redis TLS with one ACL user per node (docs/security/tls.md), on a real redis-server. */
describe('RedisLinkServer over rediss:// with ACL users (integration: real redis-server with --tls-port)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pimcp-redis-tls-'));
  let certs: WrittenDevCertificates;
  let redis: RedisProcess;
  let tlsPort: number;
  const cleanups: (() => Promise<void> | void)[] = [];

  const url = (user: string, password: string) => `rediss://${user}:${password}@127.0.0.1:${tlsPort}`;
  const handlers = () => new NodeLinkHandlers(new ToolInvoker(linkTestTools(() => undefined)), linkTestOfferings());

  beforeAll(async () => {
    certs = await writeDevCertificates({ dir, nodeIds: [] });
    const server = certs.files['registry'];
    if (!server) throw new Error('no server certificate');
    tlsPort = await freePort();
    const pubsub = ['-@all', '+@pubsub', '+ping', '+info', '+client', '+hello', '+select'];
    redis = await RedisProcess.start({
      extraArgs: [
        '--tls-port', String(tlsPort), '--tls-cert-file', server.certFile, '--tls-key-file', server.keyFile,
        '--tls-ca-cert-file', certs.caFile, '--tls-auth-clients', 'optional',
        // The node may only serve its own channels; the gateway may reach every node's.
        '--user', 'node-pi-1', 'on', '>node-secret', 'resetchannels', '&node.*/pi-1', '&node.*/pi-1.reply', ...pubsub,
        '--user', 'gateway', 'on', '>gateway-secret', 'resetchannels', '&node.*', ...pubsub,
      ],
    });
  }, 60_000);

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const tls = () => redisTlsOf({ redisCaFile: certs.caFile, redisCertFile: '', redisKeyFile: '' });

  it('carries a call between the node and the gateway, each with its own ACL user, over TLS', async () => {
    const server = new RedisLinkServer(handlers(), { url: url('node-pi-1', 'node-secret'), nodeId: 'pi-1', tls: tls() ?? {} });
    await server.start();
    cleanups.push(() => server.close());
    const client = new NodeLinkClient({ nodeId: 'pi-1', linkAddress: publicRedisAddress(url('gateway', 'gateway-secret')) }, {
      redisUrl: url('gateway', 'gateway-secret'), redisTls: tls() ?? {},
    });
    cleanups.push(() => client.close());
    expect(client.linkAddress).toBe(`rediss://127.0.0.1:${tlsPort}`);
    const result = await client.invoke(linkRequest('test.count', 10_000));
    expect(result['structuredContent']).toEqual({ n: 3 });
  });

  it('fails to start, naming the missing grant, when the node\'s ACL user may not use its channels', async () => {
    // node-pi-1's user serves pi-1 only: started as pi-2 it would be up yet unreachable.
    const server = new RedisLinkServer(handlers(), { url: url('node-pi-1', 'node-secret'), nodeId: 'pi-2', tls: tls() ?? {} });
    cleanups.push(() => server.close());
    await expect(server.start()).rejects.toThrow(/the Redis user "node-pi-1" may not subscribe to this node's link channels .*ACL SETUSER node-pi-1 resetchannels &node\.\*\/pi-2 &node\.\*\/pi-2\.reply/);
  });

  it('refuses a plaintext connection on the TLS port', async () => {
    const client = new NodeLinkClient({ nodeId: 'pi-1', linkAddress: `redis://127.0.0.1:${tlsPort}` }, { redisUrl: `redis://gateway:gateway-secret@127.0.0.1:${tlsPort}` });
    cleanups.push(() => client.close());
    await expect(client.invoke(linkRequest('test.count', 2000))).rejects.toMatchObject({ code: expect.stringMatching(/NODE_UNAVAILABLE|DEADLINE_EXCEEDED/) });
  });
});
