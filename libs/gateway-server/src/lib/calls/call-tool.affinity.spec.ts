import { createRouting } from '@pimcp/router';
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
  const useCase = new CallToolUseCase(catalog, new ArgumentValidator(), createRouting(), invoker, { callTimeoutMs: 5000 });
  const call = (meta?: Record<string, unknown>, subject = 'alice') => useCase.execute({
    name: 'notes.read', arguments: {}, meta, caller: { subject }, signal: new AbortController().signal, onProgress: () => undefined,
  }).then((r) => (r['_meta'] as Record<string, unknown>)['io.pimcp/node']);

  it('sends calls in one context to the node that already holds it, where equal idle nodes would otherwise take turns', async () => {
    const spread = new Set<unknown>();
    for (let i = 0; i < 6; i++) spread.add(await call({ 'io.pimcp/context': `fresh-${i}` }));
    expect(spread.size).toBe(2); // new contexts: ties between equal idle nodes go round-robin

    const first = await call({ 'io.pimcp/context': 'project-x' });
    for (let i = 0; i < 6; i++) expect(await call({ 'io.pimcp/context': 'project-x' })).toBe(first);
  });
});
