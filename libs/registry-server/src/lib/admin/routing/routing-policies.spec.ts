import { createRegistryStore } from '@pimcp/registry-store';
import { bootstrapRegistry, type RunningRegistry } from '../../bootstrap-registry';
import { registryConfig } from '../../config/registry.config';

describe('registry admin API: routing policies', () => {
  let registry: RunningRegistry;
  const store = createRegistryStore({});

  beforeAll(async () => {
    const config = registryConfig.load({ env: { PIMCP_REGISTRY_HTTP_PORT: '0', PIMCP_REGISTRY_LINK_PORT: '0' } });
    registry = await bootstrapRegistry({ config, store, logger: false });
  });

  afterAll(async () => {
    await registry?.close();
    await store.close();
  });

  const request = (method: string, path: string, body?: unknown) => fetch(`${registry.httpUrl}/v1/routing-policies${path}`, {
    method, headers: { 'content-type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });

  it('validates a policy with the router\'s rules, stores it in normal form, lists and removes it', async () => {
    const put = await request('PUT', '/file.search', { prefer: ['region=tokyo'], spread: true });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ capability: 'file.search', policy: { prefer: [{ selector: 'region=tokyo', weight: 10 }], spread: true } });
    expect(((await (await request('GET', '')).json()) as { policies: unknown[] }).policies).toEqual([expect.objectContaining({ capability: 'file.search' })]);
    expect((await store.snapshot()).routingPolicies[0]?.policy).toMatchObject({ spread: true });
    expect((await request('DELETE', '/file.search')).status).toBe(200);
    expect((await store.snapshot()).routingPolicies).toEqual([]);
  });

  it('refuses a bad policy with 400 naming every problem, and stores nothing', async () => {
    const bad = await request('PUT', '/file.search', { pin: 'pi-1', spread: true, require: ['region tokyo'], bogus: 1 });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { code: string; problems: Array<{ path: string }> };
    expect(body.code).toBe('INVALID_REQUEST');
    expect(body.problems.length).toBeGreaterThanOrEqual(2);
    expect((await request('PUT', '/Not A Capability', {})).status).toBe(400);
    expect((await store.snapshot()).routingPolicies).toEqual([]);
  });
});
