import { createRegistryStore } from '@pimcp/registry-store';
import { bootstrapRegistry, type RunningRegistry } from '../../bootstrap-registry';
import { registryConfig } from '../../config/registry.config';

describe('registry admin API: tool sets', () => {
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

  const request = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${registry.httpUrl}/v1/tool-sets${path}`, {
      method, headers: { 'content-type': 'application/json' }, ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('stores a set without duplicates, gets, lists, replaces and removes it', async () => {
    const put = await request('PUT', '/ops', { patterns: ['shell.*', 'prompts:runbook', 'shell.*'] });
    expect(put).toEqual({ status: 200, body: { name: 'ops', patterns: ['shell.*', 'prompts:runbook'], revision: expect.any(Number) } });
    expect((await request('GET', '/ops')).body).toMatchObject({ name: 'ops', patterns: ['shell.*', 'prompts:runbook'] });
    await request('PUT', '/ops', { patterns: ['system.info'] });
    expect((await request('GET', '')).body['toolSets']).toEqual([expect.objectContaining({ name: 'ops', patterns: ['system.info'] })]);
    expect((await store.snapshot()).toolSets.map((s) => s.name)).toEqual(['ops']);
    expect((await request('DELETE', '/ops')).status).toBe(200);
    expect((await store.snapshot()).toolSets).toEqual([]);
  });

  it('answers 404 TOOL_SET_UNKNOWN for a set it does not hold, on GET and DELETE', async () => {
    for (const method of ['GET', 'DELETE']) {
      const answer = await request(method, '/never-set');
      expect(answer.status).toBe(404);
      expect(answer.body).toMatchObject({ code: 'TOOL_SET_UNKNOWN', message: expect.stringContaining('"never-set"') });
    }
  });

  it.each([
    ['a nested set', '/ops', { patterns: ['toolset:other'] }, 'patterns[0]'],
    ['a pattern with a space', '/ops', { patterns: ['shell.*', 'a b'] }, 'patterns[1]'],
    ['an empty list', '/ops', { patterns: [] }, 'patterns'],
    ['patterns that are not a list', '/ops', { patterns: 'shell.*' }, 'patterns'],
    ['no patterns', '/ops', {}, 'patterns'],
    ['an unknown field', '/ops', { patterns: ['x'], description: 'y' }, 'description'],
    ['a bad name', '/-ops', { patterns: ['x'] }, 'name'],
    ['a body that is not an object', '/ops', '["shell.*"]', 'body'],
  ])('refuses %s with 400 INVALID_REQUEST naming the field, and stores nothing', async (_what, path, body, field) => {
    const answer = await request('PUT', path, body);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(answer.body['problems']).toEqual(expect.arrayContaining([expect.objectContaining({ path: field })]));
    expect((await store.snapshot()).toolSets).toEqual([]);
  });
});
