/// <reference types="jest" />
import { ErrorCode, type InvokeRequest, type ProgressEvent } from '@pimcp/protocol';
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

/** What every node-link transport must do, with the node serving linkTestTools(). */
export function describeNodeLinkContract(name: string, setup: () => Promise<NodeLinkFixture>): void {
  describe(`node link contract: ${name}`, () => {
    let fixture: NodeLinkFixture;

    beforeAll(async () => {
      fixture = await setup();
    });

    afterAll(async () => {
      await fixture?.cleanup();
    });

    it('delivers every progress event before the result, structured output included', async () => {
      const progress: ProgressEvent[] = [];
      const result = await fixture.client.invoke(linkRequest('test.count'), { onProgress: (e) => progress.push(e) });
      expect(progress.map((p) => p.progress)).toEqual([1, 2, 3]);
      expect(result).toEqual({ content: [{ type: 'text', text: 'counted' }], structuredContent: { n: 3 } });
    });

    it('rebuilds the node\'s typed error', async () => {
      await expect(fixture.client.invoke(linkRequest('no.such'))).rejects.toMatchObject({ code: ErrorCode.ToolUnknown });
    });

    it('aborts the handler on the node when the caller aborts', async () => {
      const controller = new AbortController();
      const call = fixture.client.invoke(linkRequest('test.wait'), { signal: controller.signal });
      await new Promise((r) => setTimeout(r, 100));
      controller.abort('stop');
      await expect(call).rejects.toMatchObject({ code: ErrorCode.Cancelled });
      for (let i = 0; i < 100 && !fixture.abortReason(); i++) await new Promise((r) => setTimeout(r, 10));
      expect(fixture.abortReason()).toMatchObject({ code: ErrorCode.Cancelled });
    });

    it('fails with DEADLINE_EXCEEDED when the node enforces the deadline', async () => {
      await expect(fixture.client.invoke(linkRequest('test.wait', 100))).rejects.toMatchObject({ code: ErrorCode.DeadlineExceeded });
    });
  });
}
