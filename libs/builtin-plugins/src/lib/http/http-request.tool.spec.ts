import { lookup } from 'node:dns/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runTool, type ToolContext, type ToolDefinition, type ToolResult } from '@pimcp/plugin-sdk';
import { ErrorCode, PimcpError } from '@pimcp/protocol';
import { resultText } from '../../test-support/result-text.util';
import { toolContext } from '../../test-support/tool-context';
import { parseHttpRequestConfig } from './http-request.config';
import { httpRequestPlugin } from './http-request.plugin';
import type { HostResolver } from './http-request.tool';

interface Seen {
  method: string;
  url: string;
  host: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A local server whose routes play the remote side; it records every request that reaches it. */
function startServer(): Promise<{ server: Server; port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  let port = 0;
  const routes: Record<string, (res: ServerResponse, req: Seen) => void> = {
    '/hello': (res) => res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'x-internal': 'do-not-return' }).end('hello ✓'),
    '/echo': (res, req) => res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify(req)),
    '/same-host': (res) => res.writeHead(302, { location: '/hello' }).end(),
    '/see-other': (res) => res.writeHead(303, { location: '/echo' }).end(),
    '/other-host': (res) => res.writeHead(302, { location: `http://localhost:${port}/hello` }).end(),
    '/loop': (res) => res.writeHead(307, { location: '/loop' }).end(),
    '/big': (res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(300_000)),
    '/binary': (res) => res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.from([0, 1, 2, 0xff])),
    '/slow': () => undefined, // never answers
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const record = { method: req.method ?? '', url: req.url ?? '', host: req.headers.host ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() };
      seen.push(record);
      (routes[(req.url ?? '').split('?')[0]] ?? ((r: ServerResponse) => r.writeHead(404).end()))(res, record);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    port = (server.address() as AddressInfo).port;
    resolve({ server, port, seen });
  }));
}

describe('http.request', () => {
  let server: Server;
  let port: number;
  let seen: Seen[];
  let strict: ToolDefinition;
  let loopback: ToolDefinition;
  const fakeDns: Record<string, string[]> = { 'api.pimcp.test': ['127.0.0.1'], 'mixed.pimcp.test': ['93.184.216.34', '10.0.0.7'] };
  // Names under pimcp.test come from this table; anything else (localhost) from the system, as in production.
  const resolveHost: HostResolver = async (name) => {
    const fake = fakeDns[name];
    return fake ? fake.map((address) => ({ address, family: 4 })) : lookup(name, { all: true, verbatim: true });
  };
  const call = (tool: ToolDefinition, args: Record<string, unknown>, ctx: Partial<ToolContext> = {}): Promise<ToolResult> => runTool(tool, args, toolContext(ctx));
  const url = (path: string, host = '127.0.0.1') => `http://${host}:${port}${path}`;

  beforeAll(async () => {
    ({ server, port, seen } = await startServer());
    const allow = [
      { host: '127.0.0.1', methods: ['GET', 'POST'], schemes: ['http'], ports: [port] },
      { host: 'localhost', methods: ['GET'], schemes: ['http'], ports: [port] },
      { host: '[::ffff:127.0.0.1]', methods: ['GET'], schemes: ['http'], ports: [port] },
      { host: '169.254.169.254', methods: ['GET'], schemes: ['http'] },
      { host: '*.pimcp.test', methods: ['GET'], schemes: ['http'], ports: [port] },
    ];
    const limits = { timeoutMs: 500, maxResponseBytes: 64 * 1024, maxRequestBytes: 1024 };
    [strict] = httpRequestPlugin(parseHttpRequestConfig({ allow, ...limits }), { resolveHost }).tools ?? [];
    // Only these tests reach the local server: loopback is allowed explicitly, and only 127.0.0.1.
    [loopback] = httpRequestPlugin(parseHttpRequestConfig({ allow, ...limits, allowPrivateAddresses: ['127.0.0.1/32'] }), { resolveHost }).tools ?? [];
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    seen.length = 0;
  });

  it('gets a text response with only the configured headers', async () => {
    const result = await call(loopback, { url: url('/hello') });
    expect(result.isError).toBeUndefined();
    expect(result.structuredContent).toMatchObject({
      url: url('/hello'), status: 200, body: 'hello ✓', bodyEncoding: 'utf8', truncated: false, redirects: 0,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
    expect((result.structuredContent as { headers: Record<string, string> }).headers['x-internal']).toBeUndefined();
    expect(resultText(result)).toContain('HTTP 200 OK');
  });

  it('sends a body and allowed headers, and refuses a header the node does not allow', async () => {
    const result = await call(loopback, { url: url('/echo'), method: 'POST', body: '{"a":1}', headers: { 'Content-Type': 'application/json' } });
    const echoed = JSON.parse((result.structuredContent as { body: string }).body) as Seen;
    expect(echoed).toMatchObject({ method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json', 'content-length': '7' } });
    const refused = await call(loopback, { url: url('/echo'), headers: { Authorization: 'Bearer stolen' } });
    expect(refused.isError).toBe(true);
    expect(resultText(refused)).toContain('header "Authorization" may not be set');
    expect(seen).toHaveLength(1);
  });

  it('returns binary bodies as base64', async () => {
    expect((await call(loopback, { url: url('/binary') })).structuredContent).toMatchObject({ body: 'AAEC/w==', bodyEncoding: 'base64', bytes: 4 });
  });

  it.each([
    ['a loopback address', () => url('/hello'), 'refused to connect to 127.0.0.1: 127.0.0.1 is a loopback address'],
    ['the cloud metadata address', () => 'http://169.254.169.254/latest/meta-data/', 'refused to connect to 169.254.169.254: 169.254.169.254 is a link-local address'],
    ['a name that resolves to loopback', () => url('/hello', 'localhost'), 'is a loopback address (localhost resolves to it)'],
    ['an IPv4-mapped IPv6 loopback', () => url('/hello', '[::ffff:127.0.0.1]'), '127.0.0.1 is a loopback address'],
    ['a name with one private address among public ones', () => url('/hello', 'mixed.pimcp.test'), '10.0.0.7 is a private address (mixed.pimcp.test resolves to it)'],
  ])('refuses %s without connecting (SSRF)', async (_label, target, message) => {
    const result = await call(strict, { url: target() });
    expect(result.isError).toBe(true);
    expect(resultText(result)).toContain(message);
    expect(resultText(result)).toContain('allowPrivateAddresses');
    expect(seen).toHaveLength(0);
  });

  it('connects to the address it vetted, never resolving the name a second time', async () => {
    // api.pimcp.test exists only in the fake resolver: a second, system lookup would fail with ENOTFOUND.
    const result = await call(loopback, { url: url('/echo', 'api.pimcp.test') });
    expect(result.structuredContent).toMatchObject({ status: 201 });
    expect(seen).toEqual([expect.objectContaining({ host: `api.pimcp.test:${port}` })]);
  });

  it('follows a redirect within the same host, re-checking it, and turns 303 into a GET', async () => {
    expect((await call(loopback, { url: url('/same-host') })).structuredContent).toMatchObject({ url: url('/hello'), status: 200, redirects: 1 });
    const seeOther = await call(loopback, { url: url('/see-other'), method: 'POST', body: 'payload' });
    expect(JSON.parse((seeOther.structuredContent as { body: string }).body)).toMatchObject({ method: 'GET', body: '' });
  });

  it('refuses a redirect to another host, and endless redirects', async () => {
    const other = await call(loopback, { url: url('/other-host') });
    expect(other.isError).toBe(true);
    expect(resultText(other)).toContain('127.0.0.1 redirected to localhost; http.request follows redirects only within the same host');
    expect(seen.map((s) => s.url)).toEqual(['/other-host']);
    expect(resultText(await call(loopback, { url: url('/loop') }))).toContain('redirected more than 3 times');
  });

  it.each([
    ['a host not in the allowlist', { url: 'http://example.com/' }, 'may not reach example.com from this node'],
    ['a port the host does not allow', { url: 'http://localhost:1/' }, 'port 1 of localhost is not allowed'],
    ['a scheme the host does not allow', { url: 'https://169.254.169.254/' }, 'https to 169.254.169.254 is not allowed'],
    ['credentials in the URL', { url: 'http://user:pw@127.0.0.1/' }, 'URLs with credentials'],
    ['a non-http URL', { url: 'file:///etc/passwd' }, 'only http and https URLs are allowed'],
  ])('refuses %s', async (_label, args, message) => {
    const result = await call(loopback, args);
    expect(result.isError).toBe(true);
    expect(resultText(result)).toContain(message);
  });

  it('refuses a method the host does not allow, and one no host allows', async () => {
    const post = await call(loopback, { url: url('/hello', 'localhost'), method: 'POST' });
    expect(resultText(post)).toContain('POST to localhost is not allowed; allowed methods for this host: GET');
    await expect(call(loopback, { url: url('/hello'), method: 'DELETE' })).rejects.toBeInstanceOf(PimcpError);
    await expect(call(loopback, { url: url('/hello'), method: 'DELETE' })).rejects.toMatchObject({ code: ErrorCode.InvalidArguments });
    expect(seen).toHaveLength(0);
  });

  it('cuts a response over the size limit and stops reading it', async () => {
    const result = await call(loopback, { url: url('/big') });
    expect(result.structuredContent).toMatchObject({ status: 200, bytes: 65536, truncated: true });
    expect(resultText(result)).toContain('[body cut at 65536 bytes]');
  });

  it('refuses a request body over the size limit', async () => {
    const result = await call(loopback, { url: url('/echo'), method: 'POST', body: 'y'.repeat(1025) });
    expect(resultText(result)).toContain('this node sends at most 1024');
    expect(seen).toHaveLength(0);
  });

  it('gives up on a server that does not answer in time', async () => {
    const started = Date.now();
    const result = await call(loopback, { url: url('/slow') });
    expect(result.isError).toBe(true);
    expect(resultText(result)).toContain('no complete answer from 127.0.0.1 within 500 ms');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('stops when the call is aborted', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('cancelled by the client')), 100);
    await expect(call(loopback, { url: url('/slow') }, { signal: controller.signal })).rejects.toThrow('cancelled by the client');
  });
});
