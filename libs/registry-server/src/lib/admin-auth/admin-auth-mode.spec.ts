import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@pimcp/config';
import { registryConfig } from '../config/registry.config';
import { adminAuthModeOf, isLoopback } from './admin-auth-mode';

describe(adminAuthModeOf.name, () => {
  const keyFile = join(mkdtempSync(join(tmpdir(), 'pimcp-admin-auth-')), 'admin.pub.pem');
  writeFileSync(keyFile, generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }));
  const logger = { warn: jest.fn() };
  const modeFor = (env: Record<string, string>) => adminAuthModeOf(registryConfig.load({ env }), logger as never);

  beforeEach(() => logger.warn.mockReset());

  it('stays open without a key on a loopback address (development, pimcp up)', () => {
    for (const host of ['127.0.0.1', '::1', 'localhost', '[::1]']) expect(modeFor({ PIMCP_REGISTRY_HTTP_HOST: host }).kind).toBe('none');
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('refuses to start without a key on a non-loopback address, naming the settings', () => {
    for (const host of ['0.0.0.0', '::', '10.1.2.3']) {
      expect(() => modeFor({ PIMCP_REGISTRY_HTTP_HOST: host })).toThrow(ConfigError);
      expect(() => modeFor({ PIMCP_REGISTRY_HTTP_HOST: host })).toThrow(
        /PIMCP_REGISTRY_ADMIN_JWKS_URL.*PIMCP_REGISTRY_ADMIN_PUBLIC_KEY_FILE.*PIMCP_REGISTRY_ADMIN_ISSUER.*PIMCP_REGISTRY_ADMIN_AUTH=none/s,
      );
    }
  });

  it('starts open on a non-loopback address when PIMCP_REGISTRY_ADMIN_AUTH=none says so, with a warning', () => {
    expect(modeFor({ PIMCP_REGISTRY_HTTP_HOST: '0.0.0.0', PIMCP_REGISTRY_ADMIN_AUTH: 'none' }).kind).toBe('none');
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('accepts every request'));
  });

  it('requires tokens once a key is set, on loopback too', () => {
    expect(modeFor({ PIMCP_REGISTRY_ADMIN_PUBLIC_KEY_FILE: keyFile, PIMCP_REGISTRY_ADMIN_ISSUER: 'idp' }).kind).toBe('jwt');
    expect(modeFor({ PIMCP_REGISTRY_ADMIN_JWKS_URL: 'https://idp.example.test/jwks', PIMCP_REGISTRY_ADMIN_ISSUER: 'idp', PIMCP_REGISTRY_HTTP_HOST: '0.0.0.0' }).kind).toBe('jwt');
  });

  it('names what is missing or unreadable in jwt mode', () => {
    expect(() => modeFor({ PIMCP_REGISTRY_ADMIN_AUTH: 'jwt' })).toThrow(/PIMCP_REGISTRY_ADMIN_AUTH=jwt needs a key[\s\S]*PIMCP_REGISTRY_ADMIN_ISSUER is required/);
    expect(() => modeFor({ PIMCP_REGISTRY_ADMIN_PUBLIC_KEY_FILE: '/nonexistent/admin.pem', PIMCP_REGISTRY_ADMIN_ISSUER: 'idp' })).toThrow(/PIMCP_REGISTRY_ADMIN_PUBLIC_KEY_FILE=\/nonexistent\/admin.pem cannot be read/);
    expect(() => registryConfig.load({ env: { PIMCP_REGISTRY_ADMIN_AUTH: 'off' } })).toThrow(/PIMCP_REGISTRY_ADMIN_AUTH/);
    expect(() => registryConfig.load({ env: { PIMCP_REGISTRY_ADMIN_ALGORITHMS: 'HS256' } })).toThrow(/PIMCP_REGISTRY_ADMIN_ALGORITHMS/);
  });
});

describe(isLoopback.name, () => {
  it('knows loopback from the rest', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'LOCALHOST'].map(isLoopback)).toEqual([true, true, true, true, true]);
    expect(['0.0.0.0', '::', '192.168.1.2', 'registry.local', '127.0.0.1.example.com'].map(isLoopback)).toEqual([false, false, false, false, false]);
  });
});
