/// <reference types="jest" />
import { ErrorCode, type InvokeRequest, type LogEvent, type NodeRequest, type ProgressEvent } from '@pimcp/protocol';
import type { NodeLinkClient } from '../lib/gateway/node-link.client';

export interface NodeLinkFixture {
  client: NodeLinkClient;
  /** What the node's `test.wait` handler was aborted with, if it was. */
  abortReason(): unknown;
  cleanup(): Promise<void>;
}

export function linkRequest(tool: string, deadlineMs = 5000): InvokeRequest {
  return { requestId: `r-${Math.random()}`, tool, arguments: {}, deadline: Date.now() + deadlineMs, caller: { subject: 'test' } };
}

export function nodeRequest(method: NodeRequest['method'], params: Record<string, unknown>, deadlineMs = 5000): NodeRequest {
  return { requestId: `q-${Math.random()}`, method, params, deadline: Date.now() + deadlineMs, caller: { subject: 'test' } };
}

/** What every node-link transport must do, with the node serving linkTestTools() and linkTestOfferings(). */
export function describeNodeLinkContract(name: string, setup: () => Promise<NodeLinkFixture>): void {
  describe(`node link contract: ${name}`, () => {
    let fixture: NodeLinkFixture;

    beforeAll(async () => {
      fixture = await setup();
    });

    afterAll(async () => {
      await fixture?.cleanup();
    });

    it('delivers every progress event, as it happens, before the result, structured output included', async () => {
      const progress: Array<ProgressEvent & { at: number }> = [];
      const result = await fixture.client.invoke(linkRequest('test.count'), { onProgress: (e) => progress.push({ ...e, at: Date.now() }) });
      const resolvedAt = Date.now();
      expect(progress.map((p) => p.progress)).toEqual([1, 2, 3]);
      // Streamed, not batched with the result: the first event arrived well before it.
      expect(resolvedAt - (progress[0]?.at ?? resolvedAt)).toBeGreaterThanOrEqual(40);
      expect(result).toEqual({ content: [{ type: 'text', text: 'counted' }], structuredContent: { n: 3 } });
    });

    it('relays what the tool logged, before the result', async () => {
      const logs: LogEvent[] = [];
      await fixture.client.invoke(linkRequest('test.count'), { onLog: (e) => logs.push(e) });
      expect(logs).toEqual([{ type: 'log', level: 'warning', logger: 'test.count', data: 'counted to 3' }]);
    });

    it('forwards resources/read and prompts/get to the node and returns its results', async () => {
      await expect(fixture.client.request(nodeRequest('resources/read', { uri: 'pi://sensors/attic' })))
        .resolves.toEqual({ contents: [{ uri: 'pi://sensors/attic', mimeType: 'text/plain', text: 'attic=21.5' }] });
      await expect(fixture.client.request(nodeRequest('prompts/get', { name: 'greet', arguments: { who: 'pi' } })))
        .resolves.toEqual({ messages: [{ role: 'user', content: { type: 'text', text: 'hello pi' } }] });
    });

    it('rebuilds the node\'s typed errors for forwarded requests', async () => {
      await expect(fixture.client.request(nodeRequest('resources/read', { uri: 'pi://elsewhere/x' }))).rejects.toMatchObject({ code: ErrorCode.ResourceUnknown });
      await expect(fixture.client.request(nodeRequest('prompts/get', { name: 'greet' }))).rejects.toMatchObject({ code: ErrorCode.InvalidArguments });
    });

    it('runs concurrent calls over one link', async () => {
      const results = await Promise.all([1, 2, 3, 4].map(() => fixture.client.invoke(linkRequest('test.count'))));
      expect(results.map((r) => r['structuredContent'])).toEqual([{ n: 3 }, { n: 3 }, { n: 3 }, { n: 3 }]);
    });

    it('rebuilds the node\'s typed error', async () => {
      await expect(fixture.client.invoke(linkRequest('no.such'))).rejects.toMatchObject({ code: ErrorCode.ToolUnknown });
    });

    it('aborts the handler on the node when the caller aborts', async () => {
      const controller = new AbortController();
      const call = fixture.client.invoke(linkRequest('test.wait'), { signal: controller.signal });
      await new Promise((r) => setTimeout(r, 100));
      controller.abort(new Error('user pressed stop'));
      await expect(call).rejects.toMatchObject({ code: ErrorCode.Cancelled });
      for (let i = 0; i < 100 && !fixture.abortReason(); i++) await new Promise((r) => setTimeout(r, 10));
      expect(fixture.abortReason()).toMatchObject({ code: ErrorCode.Cancelled, message: expect.stringContaining('user pressed stop') });
    });

    it('does not send a call whose signal is already aborted, nor one past its deadline', async () => {
      const controller = new AbortController();
      controller.abort();
      await expect(fixture.client.invoke(linkRequest('test.count'), { signal: controller.signal })).rejects.toMatchObject({ code: ErrorCode.Cancelled });
      await expect(fixture.client.invoke(linkRequest('test.count', -1))).rejects.toMatchObject({ code: ErrorCode.DeadlineExceeded });
    });

    it('fails with DEADLINE_EXCEEDED when the node enforces the deadline', async () => {
      await expect(fixture.client.invoke(linkRequest('test.wait', 100))).rejects.toMatchObject({ code: ErrorCode.DeadlineExceeded });
    });
  });
}
