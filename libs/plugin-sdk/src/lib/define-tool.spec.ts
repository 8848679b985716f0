import { PimcpError } from '@pimcp/protocol';
import { defineTool } from './define-tool';
import { toCapabilityDefinition } from './to-capability-definition';

const spec = {
  name: 'demo.hello',
  description: 'Say hello',
  inputSchema: { type: 'object', properties: { who: { type: 'string' } } },
  version: '1.0.0',
  costClass: 'light' as const,
  handler: async () => ({ content: [{ type: 'text', text: 'hi' }] }),
};

describe('defineTool', () => {
  it('returns a tool whose capability definition has no handler', () => {
    const capability = toCapabilityDefinition(defineTool(spec));
    expect(capability).toEqual({ name: 'demo.hello', description: 'Say hello', inputSchema: spec.inputSchema, version: '1.0.0', costClass: 'light' });
  });

  it('refuses a definition the registry would refuse, naming the field', () => {
    expect(() => defineTool({ ...spec, name: 'Bad Name' })).toThrow(PimcpError);
    expect(() => defineTool({ ...spec, inputSchema: { type: 'string' } })).toThrow(/inputSchema/);
  });
});
