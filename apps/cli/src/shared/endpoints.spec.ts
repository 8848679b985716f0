import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError, ExitCode } from './cli-error';
import { DEFAULT_GATEWAY_URL, parseHttpUrl, resolveGatewayUrl, resolveRegistryUrl, resolveToken } from './endpoints';

const up = { pid: 1, mcpUrl: 'http://127.0.0.1:41000/mcp', registryAdminUrl: 'http://127.0.0.1:41001', contextStatsUrl: 'http://127.0.0.1:41002' };

describe('endpoint resolution', () => {
  describe('resolveGatewayUrl', () => {
    it('takes the flag, then PIMCP_GATEWAY_URL, then the running pimcp up, then the default', () => {
      const flag = new URL('http://flag:1/mcp');
      expect(resolveGatewayUrl({ gateway: flag }, { PIMCP_GATEWAY_URL: 'http://env:2/mcp' }, up).href).toBe('http://flag:1/mcp');
      expect(resolveGatewayUrl({}, { PIMCP_GATEWAY_URL: 'http://env:2/mcp' }, up).href).toBe('http://env:2/mcp');
      expect(resolveGatewayUrl({}, {}, up).href).toBe(up.mcpUrl);
      expect(resolveGatewayUrl({}, {}, undefined).href).toBe(DEFAULT_GATEWAY_URL);
    });

    it('names the variable when PIMCP_GATEWAY_URL is not a URL', () => {
      expect(() => resolveGatewayUrl({}, { PIMCP_GATEWAY_URL: 'localhost:8080' }, undefined)).toThrow(/PIMCP_GATEWAY_URL must be an http\(s\) URL/);
    });
  });

  describe('resolveRegistryUrl', () => {
    it('accepts the catalog URL pimcp up prints and falls back like the gateway URL', () => {
      expect(resolveRegistryUrl({ registry: new URL('http://r:8081/v1/catalog') }, {}, undefined).href).toBe('http://r:8081/');
      expect(resolveRegistryUrl({}, { PIMCP_REGISTRY_ADMIN_URL: 'http://env:9/admin/' }, up).href).toBe('http://env:9/admin');
      expect(resolveRegistryUrl({}, {}, up).href).toBe('http://127.0.0.1:41001/');
      expect(resolveRegistryUrl({}, {}, undefined).href).toBe('http://127.0.0.1:8081/');
    });
  });

  describe('resolveToken', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pimcp-token-'));
    const file = join(dir, 'token');
    writeFileSync(file, 'from-file\n');

    it('takes --token-file, then PIMCP_TOKEN, then PIMCP_TOKEN_FILE', () => {
      expect(resolveToken({ tokenFile: file }, { PIMCP_TOKEN: 'from-env' })).toBe('from-file');
      expect(resolveToken({}, { PIMCP_TOKEN: ' from-env ', PIMCP_TOKEN_FILE: file })).toBe('from-env');
      expect(resolveToken({}, { PIMCP_TOKEN_FILE: file })).toBe('from-file');
    });

    it('says where a token comes from when there is none (exit 4), without echoing any token', () => {
      const err = (() => { try { return resolveToken({ tokenFile: join(dir, 'missing') }, {}); } catch (e) { return e; } })() as CliError;
      expect(err).toBeInstanceOf(CliError);
      expect(err.exitCode).toBe(ExitCode.AuthRefused);
      expect(err.message).toMatch(/missing does not exist.*PIMCP_TOKEN.*pimcp token mint/);
    });
  });

  describe('parseHttpUrl', () => {
    it('refuses what is not an http(s) URL', () => {
      expect(parseHttpUrl('https://gw.example/mcp').href).toBe('https://gw.example/mcp');
      expect(() => parseHttpUrl('ftp://x')).toThrow(/http\(s\) URL/);
      expect(() => parseHttpUrl('127.0.0.1:8080')).toThrow(/http\(s\) URL/);
    });
  });
});
