import { FakeToolCatalog } from '../../test-support/fake-tool-catalog';
import { AccessPolicy } from './access-policy';
import { ScopeGrants, scopeFor, scopesSupported } from './scope-grants';
import { parseToolSets } from './tool-sets';

const none = new Map<string, readonly string[]>();

describe(ScopeGrants.name, () => {
  it('denies everything without scopes', () => {
    const grants = new ScopeGrants([], none);
    expect(grants.allows({ kind: 'tool', name: 'system.info' })).toBe(false);
    expect(grants.allows({ kind: 'context', access: 'read' })).toBe(false);
    expect(grants.allows({ kind: 'resource', uri: 'pi://logs/app' })).toBe(false);
    expect(grants.allows({ kind: 'prompt', name: 'review' })).toBe(false);
  });

  it('matches exact names and * globs, and treats regex characters literally', () => {
    const grants = new ScopeGrants(['tools:shell.*', 'tools:file.search', 'resources:pi://logs/*', 'prompts:review'], none);
    expect(grants.allows({ kind: 'tool', name: 'shell.exec' })).toBe(true);
    expect(grants.allows({ kind: 'tool', name: 'file.search' })).toBe(true);
    expect(grants.allows({ kind: 'tool', name: 'fileXsearch' })).toBe(false);
    expect(grants.allows({ kind: 'tool', name: 'file.read' })).toBe(false);
    expect(grants.allows({ kind: 'tool', name: 'shellfish' })).toBe(false);
    expect(grants.allows({ kind: 'resource', uri: 'pi://logs/app' })).toBe(true);
    expect(grants.allows({ kind: 'resource', uri: 'pi://db/x' })).toBe(false);
    expect(grants.allows({ kind: 'prompt', name: 'review' })).toBe(true);
  });

  it('keeps context read and write apart, and ignores scopes it does not know', () => {
    const grants = new ScopeGrants(['context:read', 'openid', 'offline_access', 'tools:', 'toolset:missing'], none);
    expect(grants.allows({ kind: 'context', access: 'read' })).toBe(true);
    expect(grants.allows({ kind: 'context', access: 'write' })).toBe(false);
    expect(grants.allows({ kind: 'tool', name: '' })).toBe(false);
  });

  it('expands a tool set into tool globs and scopes, one level deep', () => {
    const sets = parseToolSets({ ops: ['shell.*', 'prompts:runbook', 'context:write'], other: ['x.y'] });
    const grants = new ScopeGrants(['toolset:ops'], sets);
    expect(grants.allows({ kind: 'tool', name: 'shell.exec' })).toBe(true);
    expect(grants.allows({ kind: 'prompt', name: 'runbook' })).toBe(true);
    expect(grants.allows({ kind: 'context', access: 'write' })).toBe(true);
    expect(grants.allows({ kind: 'tool', name: 'x.y' })).toBe(false);
  });

  it('names the scope to ask for', () => {
    expect(scopeFor({ kind: 'tool', name: 'file.search' })).toBe('tools:file.search');
    expect(scopeFor({ kind: 'context', access: 'write' })).toBe('context:write');
    expect(scopesSupported(parseToolSets({ b: ['x'], a: ['y'] }))).toEqual(['tools:*', 'resources:*', 'prompts:*', 'context:read', 'context:write', 'toolset:a', 'toolset:b']);
  });
});

describe('parseToolSets', () => {
  it('refuses bad names, empty sets, nested sets and whitespace, naming each problem', () => {
    expect(() => parseToolSets({ 'bad name': ['x'], empty: [], nested: ['toolset:ops'], spaced: ['a b'], typed: 'shell.*' })).toThrow(
      /"bad name" is not a tool set name.*toolSets\.empty: patterns must hold at least one.*toolSets\.nested\[0\]: "toolset:ops": expected.*toolSets\.spaced\[0\].*toolSets\.typed: patterns must be a list/,
    );
  });
});

describe(AccessPolicy.name, () => {
  const catalog = new FakeToolCatalog();
  catalog.add({ name: 'test.mark', description: 'x', version: '1.0.0', costClass: 'light', inputSchema: { type: 'object' } });
  const policy = new AccessPolicy({ resolve: (name) => (name === 'pi-1.test.mark' ? catalog.resolve('test.mark') : catalog.resolve(name)) }, parseToolSets({ ops: ['test.*'] }));
  const auth = (scopes: string[]) => ({ token: 't', clientId: 'c', scopes });

  it('needs the tool\'s own scope for a <node-id>.<tool> alias', () => {
    expect(policy.firstDenied(auth(['tools:test.mark']), 'tools/call', { name: 'pi-1.test.mark' })).toBeUndefined();
    expect(policy.firstDenied(auth(['tools:pi-1.*']), 'tools/call', { name: 'pi-1.test.mark' })).toEqual({ kind: 'tool', name: 'test.mark' });
  });

  it('maps the gateway\'s context tools and context:// resources to the context scopes', () => {
    expect(policy.requestCapabilities('tools/call', { name: 'context.put' })).toEqual([{ kind: 'context', access: 'write' }]);
    expect(policy.requestCapabilities('tools/call', { name: 'context.get' })).toEqual([{ kind: 'context', access: 'read' }]);
    expect(policy.requestCapabilities('resources/read', { uri: 'context://c1/k' })).toEqual([{ kind: 'context', access: 'read' }]);
    expect(policy.requestCapabilities('completion/complete', { ref: { type: 'ref/prompt', name: 'review' } })).toEqual([{ kind: 'prompt', name: 'review' }]);
  });

  it('needs the scope of the tool cluster.map runs, too', () => {
    expect(policy.firstDenied(auth(['tools:cluster.map']), 'tools/call', { name: 'cluster.map', arguments: { tool: 'test.mark' } })).toEqual({ kind: 'tool', name: 'test.mark' });
  });

  it('lets every authenticated client initialize and list, and survives hostile params', () => {
    for (const method of ['initialize', 'tools/list', 'ping', 'resources/list']) expect(policy.firstDenied(auth([]), method, {})).toBeUndefined();
    for (const params of [null, 'x', 42, [], { name: 7 }, { ref: 'x' }]) {
      expect(() => policy.requestCapabilities('tools/call', params)).not.toThrow();
      expect(() => policy.requestCapabilities('completion/complete', params)).not.toThrow();
    }
    expect(policy.firstDenied(auth(['tools:*']), 'tools/call', { name: 7 })).toBeUndefined();
  });

  it('applies tool sets from the admin API over the configured ones', () => {
    expect(policy.grantsOf(auth(['toolset:ops'])).allows({ kind: 'tool', name: 'test.mark' })).toBe(true);
    policy.setToolSetOverrides(new Map([['ops', ['other.*']]]));
    expect(policy.grantsOf(auth(['toolset:ops'])).allows({ kind: 'tool', name: 'test.mark' })).toBe(false);
    policy.setToolSetOverrides(new Map());
    expect(policy.grantsOf(auth(['toolset:ops'])).allows({ kind: 'tool', name: 'test.mark' })).toBe(true);
  });
});
