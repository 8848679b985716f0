import { ErrorCode } from '@pimcp/protocol';
import { parseMcpBridgeConfig } from './mcp-bridge.config';

describe('parseMcpBridgeConfig', () => {
  it('resolves stdio and HTTP servers with defaults, reading header values from the environment', () => {
    const config = parseMcpBridgeConfig({
      servers: {
        fs: { command: ['npx', '-y', '@modelcontextprotocol/server-filesystem', '/srv'], prefix: 'fs', env: { DEBUG: '1' } },
        remote: { url: 'https://mcp.example.com/mcp', prefix: 'remote', headersFromEnv: { authorization: 'REMOTE_TOKEN' }, restart: { initialMs: 50, maxMs: 500 } },
      },
    }, undefined, { REMOTE_TOKEN: 'Bearer abc' });
    expect(config.servers).toEqual([
      expect.objectContaining({ name: 'fs', transport: 'stdio', command: ['npx', '-y', '@modelcontextprotocol/server-filesystem', '/srv'], env: { DEBUG: '1' }, include: ['*'], exclude: [], restart: { initialMs: 250, maxMs: 30_000 } }),
      expect.objectContaining({ name: 'remote', transport: 'http', url: 'https://mcp.example.com/mcp', headers: { authorization: 'Bearer abc' }, restart: { initialMs: 50, maxMs: 500 } }),
    ]);
  });

  it('resolves roots the bridge answers itself: absolute paths become file:// URIs named after their last segment', () => {
    const config = parseMcpBridgeConfig({ servers: { fs: { command: ['x'], roots: ['/srv/data dir', 'file:///var/log'] } } }, undefined, {});
    expect(config.servers[0]?.roots).toEqual([{ uri: 'file:///srv/data%20dir', name: 'data dir' }, { uri: 'file:///var/log', name: 'log' }]);
    expect(config.servers[0]?.clientRequests).toEqual(['sampling', 'elicitation']);
  });

  it.each([
    [{}, /servers/],
    [{ servers: { a: { command: ['x'], roots: ['data'] } } }, /roots\.0: "data" must be an absolute path/],
    [{ servers: { a: { command: ['x'], roots: ['/srv'], clientRequests: ['roots'] } } }, /either set roots .* or list "roots" in clientRequests/],
    [{ servers: {} }, /name at least one server/],
    [{ servers: { a: { command: 'npx server' } } }, /servers\.a/],
    [{ servers: { a: { command: ['x'], url: 'http://127.0.0.1/mcp' } } }, /servers\.a/],
    [{ servers: { a: { url: 'ftp://host/mcp' } } }, /servers\.a/],
    [{ servers: { a: { command: ['x'], shell: true } } }, /servers\.a/],
    [{ servers: { a: { command: ['x'] }, b: { command: ['y'] } } }, /share a prefix/],
    [{ servers: { a: { command: ['x'], restart: { initialMs: 1000, maxMs: 10 } } } }, /restart\.maxMs must be at least restart\.initialMs/],
    [{ servers: { a: { url: 'http://127.0.0.1/mcp', headersFromEnv: { authorization: 'UNSET_VARIABLE_FOR_TEST' } } } }, /UNSET_VARIABLE_FOR_TEST is not set/],
  ])('refuses %j, naming what to change', (raw, message) => {
    let error: unknown;
    try {
      parseMcpBridgeConfig(raw, 'pluginConfig["mcp-bridge"]', {});
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({ code: ErrorCode.InvalidRequest, message: expect.stringMatching(message) });
    expect((error as Error).message).toContain('pluginConfig["mcp-bridge"]');
  });
});
