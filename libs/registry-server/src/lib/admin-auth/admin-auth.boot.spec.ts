import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@pimcp/config';
import { createRegistryStore } from '@pimcp/registry-store';
import { SignJWT } from 'jose';
import { bootstrapRegistry, type RunningRegistry } from '../bootstrap-registry';
import { registryConfig } from '../config/registry.config';

describe('registry admin API: authentication (a booted registry)', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keyFile = join(mkdtempSync(join(tmpdir(), 'pimcp-admin-boot-')), 'admin.pub.pem');
  writeFileSync(keyFile, publicKey.export({ type: 'spki', format: 'pem' }));
  const store = createRegistryStore({});
  let registry: RunningRegistry;

  beforeAll(async () => {
    const config = registryConfig.load({
      env: {
        PIMCP_REGISTRY_HTTP_PORT: '0', PIMCP_REGISTRY_LINK_PORT: '0',
        PIMCP_REGISTRY_ADMIN_PUBLIC_KEY_FILE: keyFile, PIMCP_REGISTRY_ADMIN_ISSUER: 'https://idp.example.test',
      },
    });
    registry = await bootstrapRegistry({ config, store, logger: false });
  });

  afterAll(async () => {
    await registry?.close();
    await store.close();
  });

  const tokenWith = (scope: string) => new SignJWT({ scope }).setProtectedHeader({ alg: 'ES256' }).setIssuer('https://idp.example.test')
    .setAudience('pimcp-registry').setSubject('ops').setExpirationTime('5m').sign(privateKey);
  const putOps = (token?: string) => fetch(`${registry.httpUrl}/v1/tool-sets/ops`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ patterns: ['shell.*'] }),
  });

  it('answers 401 UNAUTHENTICATED with a Bearer challenge without a token, and stores nothing', async () => {
    const res = await putOps();
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="pimcp-registry"');
    expect(await res.json()).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringContaining('bearer token') });
    expect((await fetch(`${registry.httpUrl}/v1/catalog`)).status).toBe(401);
    expect((await store.snapshot()).toolSets).toEqual([]);
  });

  it('answers 403 FORBIDDEN naming registry:admin to a read-only token on PUT, and lets it read', async () => {
    const token = await tokenWith('registry:read');
    const res = await putOps(token);
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope", scope="registry:admin"');
    expect(await res.json()).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('registry:admin') });
    expect((await fetch(`${registry.httpUrl}/v1/tool-sets`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it('answers 200 and stores the set with a registry:admin token', async () => {
    const res = await putOps(await tokenWith('registry:admin'));
    expect(res.status).toBe(200);
    expect((await store.snapshot()).toolSets.map((s) => s.name)).toEqual(['ops']);
  });

  it('keeps /health/live and /metrics open', async () => {
    expect((await fetch(`${registry.httpUrl}/health/live`)).status).toBe(200);
    expect((await fetch(`${registry.httpUrl}/metrics`)).status).toBe(200);
  });
});

describe('registry startup without admin auth', () => {
  it('refuses to start on 0.0.0.0, naming the settings to set', async () => {
    const config = registryConfig.load({ env: { PIMCP_REGISTRY_HTTP_HOST: '0.0.0.0', PIMCP_REGISTRY_HTTP_PORT: '0', PIMCP_REGISTRY_LINK_PORT: '0' } });
    const store = createRegistryStore({});
    try {
      const started = bootstrapRegistry({ config, store, logger: false });
      await expect(started).rejects.toThrow(ConfigError);
      await expect(started).rejects.toThrow(/PIMCP_REGISTRY_ADMIN_PUBLIC_KEY_FILE.*PIMCP_REGISTRY_ADMIN_AUTH=none/s);
    } finally {
      await store.close();
    }
  });
});
