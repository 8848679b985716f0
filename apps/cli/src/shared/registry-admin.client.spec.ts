import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CliError, ExitCode } from './cli-error';
import { RegistryAdminClient } from './registry-admin.client';

/** A stand-in registry answering each path with a fixed status and body, recording what it was sent. */
describe(RegistryAdminClient.name, () => {
  let server: Server;
  let base: URL;
  const seen: Array<{ method?: string; url?: string; body: string; auth?: string }> = [];
  const answers: Record<string, [number, string]> = {
    '/v1/catalog': [200, JSON.stringify({ revision: 1, catalogRevision: 1, nodes: [], capabilities: [], disabled: [], drained: [], routingPolicies: [] })],
    '/v1/capabilities/system.info/disable': [200, JSON.stringify({ name: 'system.info', scope: 'pi-1', enabled: false, revision: 7 })],
    '/v1/nodes/ghost/drain': [404, JSON.stringify({ code: 'NODE_UNKNOWN', message: 'node "ghost" is not registered', retryable: false })],
    '/v1/capabilities/Bad/enable': [400, JSON.stringify({ code: 'INVALID_REQUEST', message: 'not a capability name', problems: [{ path: 'name', message: 'lowercase' }] })],
    '/v1/tool-sets': [200, JSON.stringify({ toolSets: [{ name: 'ops', patterns: ['shell.*'], at: '2026-12-04T00:00:00.000Z' }] })],
    '/v1/tool-sets/ops': [200, JSON.stringify({ name: 'ops', patterns: ['shell.*'], revision: 9 })],
    '/v1/tool-sets/ghost': [404, JSON.stringify({ code: 'TOOL_SET_UNKNOWN', message: 'no tool set "ghost" is stored in the registry', retryable: false })],
    '/v1/tool-sets/bad': [400, JSON.stringify({ code: 'INVALID_REQUEST', message: 'invalid tool set', problems: [{ path: 'patterns[0]', message: 'expected a tool-name glob' }] })],
    '/v1/nodes/locked/drain': [401, JSON.stringify({ code: 'UNAUTHORIZED', message: 'admin token required' })],
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, body, ...(req.headers.authorization ? { auth: req.headers.authorization } : {}) });
        const [status, text] = answers[req.url ?? ''] ?? [404, '<html>Not Found</html>'];
        res.writeHead(status, { 'content-type': 'application/json' }).end(text);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function failure(work: Promise<unknown>): Promise<CliError> {
    const error = await work.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    return error as CliError;
  }

  it('reads the catalog and posts a switch with the node in the body and the admin token as bearer', async () => {
    const client = new RegistryAdminClient(base, 'admin-secret');
    expect((await client.catalog()).revision).toBe(1);
    expect(await client.setCapabilityEnabled('system.info', false, 'pi-1')).toMatchObject({ enabled: false, revision: 7 });
    expect(seen.at(-1)).toEqual({ method: 'POST', url: '/v1/capabilities/system.info/disable', body: '{"node":"pi-1"}', auth: 'Bearer admin-secret' });
  });

  it('maps the registry\'s verdicts: 404 unknown node exits 1, 400 bad input exits 2 with its problems, 401 exits 4', async () => {
    const client = new RegistryAdminClient(base);
    const unknown = await failure(client.drain('ghost'));
    expect(unknown.exitCode).toBe(ExitCode.Failure);
    expect(unknown.message).toContain('node "ghost" is not registered');
    const bad = await failure(client.setCapabilityEnabled('Bad', true));
    expect(bad.exitCode).toBe(ExitCode.Usage);
    expect(bad.message).toContain('name: lowercase');
    expect((await failure(client.drain('locked'))).exitCode).toBe(ExitCode.AuthRefused);
  });

  it('lists, puts and deletes tool sets, the patterns in a JSON body', async () => {
    const client = new RegistryAdminClient(base, 'admin-secret');
    expect(await client.toolSets()).toEqual([expect.objectContaining({ name: 'ops', patterns: ['shell.*'] })]);
    expect(await client.setToolSet('ops', ['shell.*'])).toMatchObject({ revision: 9 });
    expect(seen.at(-1)).toEqual({ method: 'PUT', url: '/v1/tool-sets/ops', body: '{"patterns":["shell.*"]}', auth: 'Bearer admin-secret' });
    await client.deleteToolSet('ops');
    expect(seen.at(-1)).toMatchObject({ method: 'DELETE', url: '/v1/tool-sets/ops', body: '' });
    const unknown = await failure(client.toolSet('ghost'));
    expect(unknown.exitCode).toBe(ExitCode.Failure);
    expect(unknown.message).toContain('no tool set "ghost"');
    const bad = await failure(client.setToolSet('bad', ['a b']));
    expect(bad.exitCode).toBe(ExitCode.Usage);
    expect(bad.message).toContain('patterns[0]: expected a tool-name glob');
  });

  it('says no PiMCP registry answers when the server is something else (exit 3)', async () => {
    const other = await failure(new RegistryAdminClient(new URL('/elsewhere', base)).catalog());
    expect(other.exitCode).toBe(ExitCode.Unreachable);
    expect(other.message).toContain('no PiMCP registry answers');
  });

  it('says what to do when nothing listens (exit 3)', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const err = await failure(new RegistryAdminClient(new URL(`http://127.0.0.1:${port}`)).catalog());
    expect(err.exitCode).toBe(ExitCode.Unreachable);
    expect(err.message).toMatch(/cannot reach the registry .*ECONNREFUSED.*--registry/);
  });
});
