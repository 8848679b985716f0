import { MemoryAuditLog } from '@pimcp/audit';
import { argumentsHash } from '@pimcp/node-link';
import { ErrorCode, PimcpError } from '@pimcp/protocol';
import { createRouting } from '@pimcp/router';
import { pollUntil } from '@pimcp/testing';
import { FakeToolCatalog } from '../../test-support/fake-tool-catalog';
import { ScriptedNodeInvoker } from '../../test-support/scripted-node-invoker';
import { ArgumentValidator } from './argument-validator';
import { CallAuditor } from './call-auditor';
import { CallToolUseCase } from './call-tool.usecase';

describe('CallToolUseCase: one audit record per call; node refusals are not retried elsewhere', () => {
  const providers = [
    { nodeId: 'node-a', linkAddress: 'tcp://a:1', draining: false, labels: {} },
    { nodeId: 'node-b', linkAddress: 'tcp://b:1', draining: false, labels: {} },
  ];
  const readOnly = { readOnlyHint: true, idempotentHint: true };
  function setup(includeArguments = false) {
    const catalog = new FakeToolCatalog();
    const invoker = new ScriptedNodeInvoker();
    const log = new MemoryAuditLog();
    catalog.add({ name: 'notes.read', description: 'reads', version: '1.0.0', costClass: 'light', annotations: readOnly,
      inputSchema: { type: 'object', properties: { id: { type: 'integer' } } } }, providers);
    catalog.add({ name: 'notes.guarded', description: 'refused', version: '1.0.0', costClass: 'light', annotations: readOnly, inputSchema: { type: 'object' } }, providers);
    invoker.on('notes.read', async () => ({ content: [] }));
    invoker.on('notes.guarded', async () => {
      throw new PimcpError(ErrorCode.InvocationUnauthorized, 'invocation token is signed by a key this node does not trust');
    });
    const useCase = new CallToolUseCase(catalog, new ArgumentValidator(), createRouting(), invoker, { callTimeoutMs: 5000 }, undefined, undefined,
      new CallAuditor(log, { includeArguments }));
    const call = (name: string, args: Record<string, unknown>) => useCase.execute({
      name, arguments: args, meta: undefined, caller: { subject: 'alice', clientId: 'desktop' }, signal: new AbortController().signal, onProgress: () => undefined,
    });
    return { log, invoker, call };
  }

  it('records ok, invalid and refused calls with subject, client, node, arguments hash and duration, not the argument values', async () => {
    const { log, invoker, call } = setup();
    await call('notes.read', { id: 7 });
    expect(await call('notes.read', { id: 'seven' })).toMatchObject({ isError: true });
    const refusal = await call('notes.guarded', {}).then(() => undefined, (e: unknown) => e);
    expect(refusal).toMatchObject({ data: { code: ErrorCode.InvocationUnauthorized, retryable: false } });
    // A refusal is the node's verdict on this call, not a node failure: one attempt, no retry on node-b.
    expect(invoker.calls.filter((c) => c.request.tool === 'notes.guarded')).toHaveLength(1);

    const records = await pollUntil(async () => {
      const found = await log.query({});
      return found.length === 3 ? found : undefined;
    }, { timeoutMs: 2000, description: 'three audit records' });
    const [refused, invalid, ok] = records;
    expect(ok).toMatchObject({ subject: 'alice', clientId: 'desktop', capability: 'notes.read', outcome: 'ok', argumentsHash: argumentsHash({ id: 7 }) });
    expect(['node-a', 'node-b']).toContain(ok?.nodeId);
    expect(ok?.durationMs).toBeGreaterThanOrEqual(0);
    expect(ok?.requestId).toBe(invoker.calls[0]?.request.requestId);
    expect(invalid).toMatchObject({ capability: 'notes.read', outcome: 'invalid' });
    expect(refused).toMatchObject({ capability: 'notes.guarded', outcome: 'refused', errorCode: ErrorCode.InvocationUnauthorized });
    expect(records.every((r) => r.arguments === undefined)).toBe(true);
  });

  it('stores argument values only when configured', async () => {
    const { log, call } = setup(true);
    await call('notes.read', { id: 7 });
    expect((await pollUntil(async () => (await log.query({}))[0], { timeoutMs: 2000, description: 'the record' })).arguments).toEqual({ id: 7 });
  });
});
