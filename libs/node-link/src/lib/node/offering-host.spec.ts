import { definePrompt, defineResource, defineResourceTemplate } from '@pimcp/plugin-sdk';
import { ErrorCode, type NodeRequest } from '@pimcp/protocol';
import { OfferingHost } from './offering-host';

function request(method: NodeRequest['method'], params: Record<string, unknown>, deadlineMs = 2000): NodeRequest {
  return { requestId: `q-${Math.random()}`, method, params, deadline: Date.now() + deadlineMs, caller: { subject: 'test' } };
}

describe(OfferingHost.name, () => {
  let stuckSignal: AbortSignal | undefined;
  const host = new OfferingHost({
    resources: [
      defineResource({ uri: 'pi://logs/app', name: 'app log', read: async () => ({ contents: [{ uri: 'pi://logs/app', text: 'fixed' }] }) }),
      defineResource({ uri: 'pi://stuck', name: 'stuck', read: (ctx) => {
        stuckSignal = ctx.signal;
        return new Promise(() => undefined); // ignores its signal on purpose
      } }),
      defineResource({ uri: 'pi://broken', name: 'broken', read: async () => ({ nothing: true }) as never }),
    ],
    resourceTemplates: [defineResourceTemplate({
      uriTemplate: 'pi://sensors/{name}', name: 'sensor',
      read: async (uri, vars) => ({ contents: [{ uri, text: String(vars['name']) }] }),
      complete: { name: (value) => ['attic', 'kitchen', 'garage'].filter((n) => n.startsWith(value)) },
    })],
    prompts: [definePrompt({
      name: 'greet', arguments: [{ name: 'who', required: true }, { name: 'tone' }],
      get: async (args) => ({ messages: [{ role: 'user', content: { type: 'text', text: `hello ${args['who']}${args['tone'] ? ` (${args['tone']})` : ''}` } }] }),
      complete: { who: () => Array.from({ length: 150 }, (_, i) => `user-${i}`) },
    })],
  }, { nodeId: 'pi-1' });

  it('lists definitions without handlers, for the manifest', () => {
    const defs = host.definitions();
    expect(defs.resources.map((r) => r.uri)).toEqual(['pi://logs/app', 'pi://stuck', 'pi://broken']);
    expect(defs.resourceTemplates).toEqual([{ uriTemplate: 'pi://sensors/{name}', name: 'sensor' }]);
    expect(defs.prompts).toEqual([{ name: 'greet', arguments: [{ name: 'who', required: true }, { name: 'tone' }] }]);
    expect(JSON.stringify(defs)).not.toContain('function');
  });

  it('replaces its offerings (a plugin changed them) and serves the new set, keeping the old one when the new is invalid', async () => {
    const changing = new OfferingHost({ resources: [defineResource({ uri: 'pi://a', name: 'a', read: async () => ({ contents: [{ uri: 'pi://a', text: 'a' }] }) })] });
    const b = defineResource({ uri: 'pi://b', name: 'b', read: async () => ({ contents: [{ uri: 'pi://b', text: 'b' }] }) });
    changing.replace({ resources: [b] });
    expect(changing.definitions().resources.map((r) => r.uri)).toEqual(['pi://b']);
    await expect(changing.handle(request('resources/read', { uri: 'pi://a' }))).rejects.toMatchObject({ code: ErrorCode.ResourceUnknown });
    expect(() => changing.replace({ resources: [b, b] })).toThrow(/two resources share the URI "pi:\/\/b"/);
    expect(await changing.handle(request('resources/read', { uri: 'pi://b' }))).toEqual({ contents: [{ uri: 'pi://b', text: 'b' }] });
  });

  it('reads a fixed resource before trying templates, and a template with its variables', async () => {
    await expect(host.handle(request('resources/read', { uri: 'pi://logs/app' }))).resolves.toEqual({ contents: [{ uri: 'pi://logs/app', text: 'fixed' }] });
    await expect(host.handle(request('resources/read', { uri: 'pi://sensors/attic' }))).resolves.toEqual({ contents: [{ uri: 'pi://sensors/attic', text: 'attic' }] });
  });

  it('answers an unknown URI with RESOURCE_UNKNOWN naming the node', async () => {
    await expect(host.handle(request('resources/read', { uri: 'pi://nope' }))).rejects.toMatchObject({ code: ErrorCode.ResourceUnknown, message: expect.stringContaining('node pi-1') });
  });

  it('checks required prompt arguments before running the prompt', async () => {
    await expect(host.handle(request('prompts/get', { name: 'greet', arguments: { tone: 'warm' } }))).rejects.toMatchObject({ code: ErrorCode.InvalidArguments, message: expect.stringContaining('who') });
    await expect(host.handle(request('prompts/get', { name: 'greet', arguments: { who: 7 } }))).rejects.toMatchObject({ code: ErrorCode.InvalidArguments });
    await expect(host.handle(request('prompts/get', { name: 'nope' }))).rejects.toMatchObject({ code: ErrorCode.PromptUnknown });
    const result = await host.handle(request('prompts/get', { name: 'greet', arguments: { who: 'pi', tone: 'warm' } }));
    expect(result).toEqual({ messages: [{ role: 'user', content: { type: 'text', text: 'hello pi (warm)' } }] });
  });

  it('completes prompt arguments and template variables, capped at 100 values with hasMore', async () => {
    const template = await host.handle(request('completion/complete', { ref: { type: 'ref/resource', uri: 'pi://sensors/{name}' }, argument: { name: 'name', value: 'ga' } }));
    expect(template).toEqual({ completion: { values: ['garage'], total: 1, hasMore: false } });
    const many = await host.handle(request('completion/complete', { ref: { type: 'ref/prompt', name: 'greet' }, argument: { name: 'who', value: '' } })) as { completion: { values: string[]; total: number; hasMore: boolean } };
    expect(many.completion.values).toHaveLength(100);
    expect(many.completion).toMatchObject({ total: 150, hasMore: true });
    const none = await host.handle(request('completion/complete', { ref: { type: 'ref/prompt', name: 'greet' }, argument: { name: 'tone', value: '' } }));
    expect(none).toEqual({ completion: { values: [], total: 0, hasMore: false } });
  });

  it('gives up at the deadline even when the handler ignores its signal, and aborts that signal', async () => {
    const started = Date.now();
    await expect(host.handle(request('resources/read', { uri: 'pi://stuck' }, 100))).rejects.toMatchObject({ code: ErrorCode.DeadlineExceeded });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(stuckSignal?.aborted).toBe(true);
  });

  it('aborts a request by id when the caller cancels', async () => {
    const pending = host.handle({ ...request('resources/read', { uri: 'pi://stuck' }), requestId: 'cancel-me' });
    await new Promise((r) => setTimeout(r, 20));
    expect(host.cancel('cancel-me', 'user pressed stop')).toBe(true);
    await expect(pending).rejects.toMatchObject({ code: ErrorCode.Cancelled, message: expect.stringContaining('user pressed stop') });
    expect(host.cancel('cancel-me')).toBe(false);
  });

  it('fails a reader that returns no contents array as INTERNAL, naming the resource', async () => {
    await expect(host.handle(request('resources/read', { uri: 'pi://broken' }))).rejects.toMatchObject({ code: ErrorCode.Internal, message: expect.stringContaining('pi://broken') });
  });
});
