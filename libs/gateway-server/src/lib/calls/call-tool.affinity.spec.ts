import { createRouting, type Routing } from '@pimcp/router';
import { FakeToolCatalog } from '../../test-support/fake-tool-catalog';
import { ScriptedNodeInvoker } from '../../test-support/scripted-node-invoker';
import { ArgumentValidator } from './argument-validator';
import { CallToolUseCase } from './call-tool.usecase';

describe('CallToolUseCase: context affinity', () => {
  const catalog = new FakeToolCatalog();
  const invoker = new ScriptedNodeInvoker();
  catalog.add({ name: 'notes.read', description: 'reads notes', version: '1.0.0', costClass: 'light', inputSchema: { type: 'object' } }, [
    { nodeId: 'node-a', linkAddress: 'tcp://a:1', draining: false, labels: {} },
    { nodeId: 'node-b', linkAddress: 'tcp://b:1', draining: false, labels: {} },
  ]);
  invoker.on('notes.read', async () => ({ content: [] }));
  let routing: Routing;
  let useCase: CallToolUseCase;
  beforeEach(() => {
    routing = createRouting();
    useCase = new CallToolUseCase(catalog, new ArgumentValidator(), routing, invoker, { callTimeoutMs: 5000 });
  });
  const call = (meta?: Record<string, unknown>) => useCase.execute({
    name: 'notes.read', arguments: {}, meta, caller: { subject: 'alice' }, signal: new AbortController().signal, onProgress: () => undefined,
  }).then((r) => (r['_meta'] as Record<string, unknown>)['io.pimcp/node']);

  it('tells the router which node ran the last call in the context named in _meta', async () => {
    const execute = jest.spyOn(routing.executor, 'execute');
    const first = await call({ 'io.pimcp/context': 'project-x', 'io.pimcp/target': 'node-b' });
    expect(first).toBe('node-b');
    expect(execute.mock.calls[0]?.[0].preferredNodeIds).toBeUndefined(); // nothing known yet
    await call({ 'io.pimcp/context': 'project-x' });
    expect(execute.mock.calls[1]?.[0].preferredNodeIds).toEqual(['node-b']);
    await call({ 'io.pimcp/context': 'project-y' });
    expect(execute.mock.calls[2]?.[0].preferredNodeIds).toBeUndefined();
  });

  it('prefers no node for calls without a named context (no stickiness to the per-client default)', async () => {
    const execute = jest.spyOn(routing.executor, 'execute');
    await call();
    await call();
    expect(execute.mock.calls.map((c) => c[0].preferredNodeIds)).toEqual([undefined, undefined]);
  });
});
