import { ErrorCode } from '../errors/error-code';
import { PimcpError } from '../errors/pimcp-error';
import { validateNodeManifest } from './validate-node-manifest';

function manifest(overrides: Record<string, unknown> = {}) {
  return {
    nodeId: 'pi-kitchen-1',
    labels: { tier: 'edge', region: 'tokyo', arch: 'arm64' },
    linkAddress: 'tcp://127.0.0.1:7600',
    capabilities: [capability()],
    ...overrides,
  };
}

function capability(overrides: Record<string, unknown> = {}) {
  return {
    name: 'file.search',
    description: 'Search files under the node root',
    inputSchema: { type: 'object', properties: { pattern: { type: 'string' } }, required: ['pattern'] },
    version: '1.0.0',
    costClass: 'light',
    annotations: { readOnlyHint: true },
    ...overrides,
  };
}

function problemsOf(input: unknown): Array<{ path: string; message: string }> {
  try {
    validateNodeManifest(input);
  } catch (err) {
    expect(err).toBeInstanceOf(PimcpError);
    expect((err as PimcpError).code).toBe(ErrorCode.InvalidManifest);
    return (err as PimcpError).problems;
  }
  throw new Error('expected the manifest to be rejected');
}

describe('validateNodeManifest', () => {
  it('accepts a complete manifest and returns its values', () => {
    const result = validateNodeManifest(manifest());
    expect(result.nodeId).toBe('pi-kitchen-1');
    expect(result.capabilities[0]?.annotations?.readOnlyHint).toBe(true);
  });

  it('rejects a non-object body without field problems', () => {
    expect(() => validateNodeManifest('nope')).toThrow(/manifest must be a JSON object/);
    expect(() => validateNodeManifest([manifest()])).toThrow(/manifest must be a JSON object/);
  });

  it('names each missing field', () => {
    const paths = problemsOf({ capabilities: [{}] }).map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining([
      'nodeId', 'labels', 'linkAddress', 'capabilities[0].name', 'capabilities[0].description',
      'capabilities[0].inputSchema', 'capabilities[0].version', 'capabilities[0].costClass',
    ]));
  });

  it('names wrong types', () => {
    const problems = problemsOf(manifest({ nodeId: 42, capabilities: [capability({ costClass: 'huge', annotations: { readOnlyHint: 'yes' } })] }));
    expect(problems).toEqual(expect.arrayContaining([
      expect.objectContaining({ path: 'nodeId' }),
      expect.objectContaining({ path: 'capabilities[0].costClass', message: expect.stringContaining('light, standard, heavy') }),
      expect.objectContaining({ path: 'capabilities[0].annotations.readOnlyHint' }),
    ]));
  });

  it('rejects an oversize description', () => {
    const problems = problemsOf(manifest({ capabilities: [capability({ description: 'x'.repeat(4097) })] }));
    expect(problems).toEqual([expect.objectContaining({ path: 'capabilities[0].description', message: expect.stringContaining('4096') })]);
  });

  it('rejects an invalid JSON Schema', () => {
    const problems = problemsOf(manifest({ capabilities: [capability({ inputSchema: { type: 'object', properties: { a: { type: 'strnig' } } } })] }));
    expect(problems).toEqual([expect.objectContaining({ path: 'capabilities[0].inputSchema', message: expect.stringContaining('not valid JSON Schema') })]);
  });

  it('rejects a schema that does not describe an object', () => {
    const problems = problemsOf(manifest({ capabilities: [capability({ outputSchema: { type: 'string' } })] }));
    expect(problems).toEqual([expect.objectContaining({ path: 'capabilities[0].outputSchema', message: expect.stringContaining('"type": "object"') })]);
  });

  it('rejects an unresolvable $ref', () => {
    const problems = problemsOf(manifest({ capabilities: [capability({ inputSchema: { type: 'object', properties: { a: { $ref: '#/$defs/missing' } } } })] }));
    expect(problems[0]?.path).toBe('capabilities[0].inputSchema');
  });

  it('accepts a draft-07 schema that says so', () => {
    const input = { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', definitions: { a: { type: 'string' } } };
    expect(() => validateNodeManifest(manifest({ capabilities: [capability({ inputSchema: input })] }))).not.toThrow();
  });

  it('rejects duplicate capability names, pointing at both', () => {
    const problems = problemsOf(manifest({ capabilities: [capability(), capability({ description: 'again' })] }));
    expect(problems).toEqual([{ path: 'capabilities[1].name', message: 'duplicate capability "file.search" (also at capabilities[0])' }]);
  });

  it('rejects node ids that would break <node-id>.<tool> aliases', () => {
    expect(problemsOf(manifest({ nodeId: 'pi.kitchen' }))[0]?.message).toContain('no dots');
  });

  it('rejects bad labels and unknown fields', () => {
    const problems = problemsOf(manifest({ labels: { 'bad key!': 'x', tier: 7 }, extra: true }));
    expect(problems.map((p) => p.path)).toEqual(expect.arrayContaining(['labels.bad key!', 'labels.tier', 'extra']));
  });

  it('rejects more capabilities than one registration may hold', () => {
    const many = Array.from({ length: 61 }, (_, i) => capability({ name: `tool.n${i}` }));
    expect(problemsOf(manifest({ capabilities: many }))).toEqual([expect.objectContaining({ path: 'capabilities', message: expect.stringContaining('60') })]);
  });

  it('rejects link addresses with an unknown scheme', () => {
    expect(problemsOf(manifest({ linkAddress: 'http://x:1' }))[0]?.path).toBe('linkAddress');
  });

  describe('resources, resource templates and prompts', () => {
    const offerings = {
      resources: [{ uri: 'pi://logs/app', name: 'app log', mimeType: 'text/plain' }],
      resourceTemplates: [{ uriTemplate: 'pi://sensors/{name}', name: 'sensor' }],
      prompts: [{ name: 'summarize_logs', description: 'Summarize a log', arguments: [{ name: 'uri', required: true }] }],
    };

    it('accepts them and keeps them on the returned manifest', () => {
      const result = validateNodeManifest(manifest(offerings));
      expect(result.resources?.[0]?.uri).toBe('pi://logs/app');
      expect(result.resourceTemplates?.[0]?.uriTemplate).toBe('pi://sensors/{name}');
      expect(result.prompts?.[0]?.arguments?.[0]).toEqual({ name: 'uri', required: true });
    });

    it('rejects a URI without a scheme, a nameless resource and a prompt name with spaces, naming each field', () => {
      const problems = problemsOf(manifest({
        resources: [{ uri: 'logs/app', name: '' }],
        prompts: [{ name: 'sum logs' }],
      }));
      expect(problems.map((p) => p.path).sort()).toEqual(['prompts[0].name', 'resources[0].name', 'resources[0].uri']);
    });

    it('rejects duplicate URIs, templates and prompt names within one node', () => {
      const problems = problemsOf(manifest({
        resources: [offerings.resources[0], offerings.resources[0]],
        resourceTemplates: [offerings.resourceTemplates[0], offerings.resourceTemplates[0]],
        prompts: [offerings.prompts[0], offerings.prompts[0]],
      }));
      expect(problems.map((p) => p.path)).toEqual(['resources[1].uri', 'resourceTemplates[1].uriTemplate', 'prompts[1].name']);
      expect(problems[0]?.message).toContain('also at resources[0]');
    });

    it('rejects unknown fields inside them', () => {
      expect(problemsOf(manifest({ prompts: [{ name: 'p', handler: 'x' }] }))[0]?.path).toBe('prompts[0].handler');
    });
  });
});
