import { ErrorCode, PimcpError } from '@pimcp/protocol';
import { FakeToolCatalog } from '../../test-support/fake-tool-catalog';
import { ScriptedNodeInvoker } from '../../test-support/scripted-node-invoker';
import { ArgumentValidator } from './argument-validator';
import { FanOutUseCase, fanOutToolResult } from './fan-out.usecase';

const sensor = { name: 'sensor.read', description: 'reads the sensor', version: '1.0.0', costClass: 'light' as const, inputSchema: { type: 'object' } };
const node = (nodeId: string, labels: Record<string, string>) => ({ nodeId, linkAddress: `tcp://${nodeId}:1`, draining: false, labels });

describe(FanOutUseCase.name, () => {
  const catalog = new FakeToolCatalog();
  const invoker = new ScriptedNodeInvoker();
  const fanOut = new FanOutUseCase(catalog, new ArgumentValidator(), invoker);
  catalog.add(sensor, [
    node('pi-1', { region: 'tokyo' }), node('pi-2', { region: 'tokyo' }), node('pi-3', { region: 'tokyo' }), node('pi-4', { region: 'osaka' }),
  ]);
  let running = 0;
  let peak = 0;
  invoker.on('sensor.read', async (request) => {
    running += 1;
    peak = Math.max(peak, running);
    await new Promise((r) => setTimeout(r, 20));
    running -= 1;
    const nodeId = invoker.calls.find((c) => c.request.requestId === request.requestId)?.provider.nodeId;
    if (nodeId === 'pi-2') throw new PimcpError(ErrorCode.NodeUnavailable, 'the connection to the node was lost during the call');
    return { content: [], structuredContent: { nodeId, celsius: 21 } };
  });
  const base = { tool: 'sensor.read', arguments: {}, caller: { subject: 's' }, meta: undefined, signal: new AbortController().signal, onProgress: () => undefined };

  it('runs on every matching node within the concurrency limit, reporting each result and each failure by node', async () => {
    const progress: number[] = [];
    const outcome = await fanOut.execute({ ...base, selector: 'region=tokyo', concurrency: 2, deadline: Date.now() + 5000, onProgress: (e) => progress.push(e.progress) });
    expect(outcome.nodes).toBe(3);
    expect(outcome.results.map((r) => r.nodeId)).toEqual(['pi-1', 'pi-3']);
    expect(outcome.failures).toEqual([{ nodeId: 'pi-2', code: 'NODE_UNAVAILABLE', message: expect.stringContaining('pi-2: the connection') }]);
    expect(peak).toBeLessThanOrEqual(2);
    expect(progress).toEqual([1, 2, 3]);
    const result = fanOutToolResult(outcome);
    expect(result['isError']).toBeUndefined();
    expect(JSON.stringify(result['content'])).toContain('2 succeeded, 1 failed (pi-2: NODE_UNAVAILABLE)');
  });

  it('reports nodes still running at the deadline as failed and returns the rest', async () => {
    invoker.on('sensor.slow', async (request, opts) => {
      const nodeId = invoker.calls.find((c) => c.request.requestId === request.requestId)?.provider.nodeId;
      if (nodeId === 'pi-4') await new Promise((_, reject) => opts.signal.addEventListener('abort', () => reject(new PimcpError(ErrorCode.Cancelled, 'cancelled'))));
      return { content: [], structuredContent: { nodeId } };
    });
    catalog.add({ ...sensor, name: 'sensor.slow' }, [node('pi-1', {}), node('pi-4', {})]);
    const started = Date.now();
    const outcome = await fanOut.execute({ ...base, tool: 'sensor.slow', selector: '', deadline: Date.now() + 200 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(outcome.results.map((r) => r.nodeId)).toEqual(['pi-1']);
    expect(outcome.failures.map((f) => f.nodeId)).toEqual(['pi-4']);
  });

  it('names the selector and the nodes offering the tool when nothing matches, and refuses a bad selector', async () => {
    await expect(fanOut.execute({ ...base, selector: 'region=mars', deadline: Date.now() + 1000 })).rejects.toThrow(/matches "region=mars" \(nodes offering it: pi-1 \(region=tokyo\)/);
    await expect(fanOut.execute({ ...base, selector: 'region tokyo', deadline: Date.now() + 1000 })).rejects.toThrow(/label selector "region tokyo"/);
  });
});
