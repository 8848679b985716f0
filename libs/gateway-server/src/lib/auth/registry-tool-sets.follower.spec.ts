import { CatalogCache } from '@pimcp/catalog';
import { EmbeddedRegistryStore } from '@pimcp/registry-store';
import { pollUntil } from '@pimcp/testing';
import { FakeToolCatalog } from '../../test-support/fake-tool-catalog';
import { AccessPolicy } from './access-policy';
import { followRegistryToolSets, type ListKind, listsAffected } from './registry-tool-sets.follower';

describe('listsAffected', () => {
  it('names the lists whose filtering a changed set touches, and none for unchanged sets', () => {
    const before = new Map([['a', ['shell.*']], ['b', ['prompts:x']], ['same', ['resources:file:///*']]]);
    const after = new Map([['a', ['shell.run']], ['b', ['prompts:x', 'prompts:y']], ['same', ['resources:file:///*']], ['c', ['context:read']]]);
    expect([...listsAffected(before, after)].sort()).toEqual(['prompts', 'resources', 'tools']);
    expect([...listsAffected(before, before)]).toEqual([]);
    expect([...listsAffected(new Map([['p', ['prompts:x']]]), new Map())]).toEqual(['prompts']);
  });
});

describe(followRegistryToolSets.name, () => {
  it('applies the stored sets over the YAML ones at once and after each change, skipping one that does not validate', async () => {
    const store = new EmbeddedRegistryStore();
    await store.putToolSet('ops', ['shell.*']);
    const cache = new CatalogCache(store, { logger: { log: jest.fn(), warn: jest.fn(), error: jest.fn() } });
    await cache.start();
    const policy = new AccessPolicy(new FakeToolCatalog(), new Map([['ops', ['file.*']], ['yaml', ['x.y']]]));
    const notified: ListKind[][] = [];
    const warn = jest.fn();
    const stop = followRegistryToolSets(cache, policy, { onListsChanged: (lists) => notified.push([...lists]), warn });
    try {
      expect(Object.fromEntries(policy.currentToolSets)).toEqual({ ops: ['shell.*'], yaml: ['x.y'] });
      expect(notified).toEqual([['tools']]);
      // Written around the admin API's validation (by hand in etcd, or by a newer version): it grants nothing here.
      await store.putToolSet('bad', ['toolset:ops']);
      await store.putToolSet('prompts', ['prompts:review']);
      await pollUntil(() => policy.currentToolSets.has('prompts') || undefined, { timeoutMs: 5000, description: 'the new set' });
      expect(policy.currentToolSets.has('bad')).toBe(false);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('ignoring tool set "bad"'));
      expect(notified).toContainEqual(['prompts']);
      await store.deleteToolSet('ops');
      await pollUntil(() => policy.currentToolSets.get('ops')?.[0] === 'file.*' || undefined, { timeoutMs: 5000, description: 'the YAML ops set back' });
    } finally {
      stop();
      await cache.stop();
      await store.close();
    }
  });
});
