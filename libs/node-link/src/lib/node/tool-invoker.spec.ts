import { ErrorCode, type InvokeEvent, type InvokeRequest, PimcpError } from '@pimcp/protocol';
import { defineTool, ToolError } from '@pimcp/plugin-sdk';
import { lastValueFrom, toArray } from 'rxjs';
import { ToolInvoker } from './tool-invoker';

const echo = defineTool<{ text: string }>({
  name: 'text.echo', description: 'echo', version: '1.0.0', costClass: 'light',
  inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
  handler: async ({ text }, ctx) => {
    ctx.progress(1, 2, 'half');
    return { content: [{ type: 'text', text }] };
  },
});

const waitForAbort = defineTool({
  name: 'test.wait', description: 'waits until aborted', version: '1.0.0', costClass: 'light', inputSchema: { type: 'object' },
  handler: (_args, ctx) => new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))),
});

const refuses = defineTool({
  name: 'test.refuse', description: 'refuses', version: '1.0.0', costClass: 'light', inputSchema: { type: 'object' },
  handler: async () => {
    throw new ToolError('not allowed here');
  },
});

function request(tool: string, args: Record<string, unknown> = {}, overrides: Partial<InvokeRequest> = {}): InvokeRequest {
  return { requestId: `r-${Math.random()}`, tool, arguments: args, deadline: Date.now() + 5000, caller: { subject: 'test' }, ...overrides };
}

async function events(invoker: ToolInvoker, req: InvokeRequest): Promise<InvokeEvent[]> {
  return lastValueFrom(invoker.invoke(req).pipe(toArray()));
}

async function failure(invoker: ToolInvoker, req: InvokeRequest): Promise<PimcpError> {
  const err = await events(invoker, req).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(PimcpError);
  return err as PimcpError;
}

describe(ToolInvoker.name, () => {
  const invoker = new ToolInvoker([echo, waitForAbort, refuses]);

  describe('invoke', () => {
    it('streams progress, then one result', async () => {
      expect(await events(invoker, request('text.echo', { text: 'hi' }))).toEqual([
        { type: 'progress', progress: 1, total: 2, message: 'half' },
        { type: 'result', result: { content: [{ type: 'text', text: 'hi' }] } },
      ]);
    });

    it('refuses an unknown tool and invalid arguments before running anything', async () => {
      expect((await failure(invoker, request('no.such'))).code).toBe(ErrorCode.ToolUnknown);
      const invalid = await failure(invoker, request('text.echo', { text: 3 }));
      expect(invalid.code).toBe(ErrorCode.InvalidArguments);
      expect(invalid.message).toContain('/text');
    });

    it('turns a ToolError into an isError result', async () => {
      expect(await events(invoker, request('test.refuse'))).toEqual([{ type: 'result', result: { isError: true, content: [{ type: 'text', text: 'not allowed here' }] } }]);
    });

    it('aborts the handler when the deadline passes', async () => {
      const err = await failure(invoker, request('test.wait', {}, { deadline: Date.now() + 50 }));
      expect(err.code).toBe(ErrorCode.DeadlineExceeded);
    });
  });

  describe('cancel', () => {
    it('aborts the handler of a call in flight', async () => {
      const req = request('test.wait');
      const pending = failure(invoker, req);
      await new Promise((r) => setTimeout(r, 20));
      expect(invoker.inFlightCount).toBe(1);
      invoker.cancel(req.requestId, 'user stop');
      expect((await pending).code).toBe(ErrorCode.Cancelled);
      expect(invoker.inFlightCount).toBe(0);
    });
  });

  describe('drain', () => {
    it('refuses new calls, waits for running ones, and aborts what outlives the grace period', async () => {
      const draining = new ToolInvoker([echo, waitForAbort]);
      const stuck = failure(draining, request('test.wait'));
      await new Promise((r) => setTimeout(r, 20));
      const drained = draining.drain(100);
      expect((await failure(draining, request('text.echo', { text: 'late' }))).code).toBe(ErrorCode.NodeUnavailable);
      await drained;
      expect((await stuck).code).toBe(ErrorCode.NodeUnavailable);
    });
  });
});
