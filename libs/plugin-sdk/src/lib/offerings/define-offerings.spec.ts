import { ErrorCode } from '@pimcp/protocol';
import { definePrompt, defineResource, defineResourceTemplate, toPromptDefinition, toResourceDefinition } from './define-offerings';

const read = async () => ({ contents: [] });

describe('defineResource / defineResourceTemplate / definePrompt', () => {
  it('returns the spec, and its manifest entry without handlers or undefined fields', () => {
    const resource = defineResource({ uri: 'pi://logs/app', name: 'app log', description: undefined, read });
    expect(toResourceDefinition(resource)).toEqual({ uri: 'pi://logs/app', name: 'app log' });
    const prompt = definePrompt({ name: 'greet', arguments: [{ name: 'who', required: true }], get: async () => ({ messages: [] }), complete: { who: () => [] } });
    expect(toPromptDefinition(prompt)).toEqual({ name: 'greet', arguments: [{ name: 'who', required: true }] });
  });

  it('fails at load time with INVALID_MANIFEST naming the field, as the registry would at join', () => {
    expect(() => defineResource({ uri: 'no-scheme', name: 'x', read })).toThrow(expect.objectContaining({
      code: ErrorCode.InvalidManifest, message: expect.stringContaining('resources[0].uri'),
    }));
    expect(() => definePrompt({ name: 'has space', get: async () => ({ messages: [] }) })).toThrow(/prompts\[0\]\.name/);
    expect(() => defineResourceTemplate({ uriTemplate: 'pi://s/{n}', name: '', read: async () => ({ contents: [] }) })).toThrow(/resourceTemplates\[0\]\.name/);
  });

  it('needs a handler function', () => {
    expect(() => defineResource({ uri: 'pi://x', name: 'x' } as never)).toThrow('resource "pi://x" needs a read function');
    expect(() => definePrompt({ name: 'p' } as never)).toThrow('prompt "p" needs a get function');
  });
});
