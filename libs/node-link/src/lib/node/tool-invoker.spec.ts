import { ErrorCode, type InvokeEvent, type InvokeRequest, PimcpError } from '@pimcp/protocol';
import { ClientRequestError, defineTool, ToolError } from '@pimcp/plugin-sdk';
import { lastValueFrom, toArray } from 'rxjs';
import { ToolInvoker } from './tool-invoker';

const quietLogger = () => ({ log: jest.fn(), warn: jest.fn(), error: jest.fn() });

const echo = defineTool<{ text: string; times?: number }>({
  name: 'text.echo', description: 'echo', version: '1.0.0', costClass: 'light',
  inputSchema: { type: 'object', properties: { text: { type: 'string' }, times: { type: 'integer', default: 1 } }, required: ['text'] },
  handler: async ({ text, times }, ctx) => {
    ctx.progress(1, 2, 'half');
    ctx.progress(1, 2, 'not increasing: dropped');
    ctx.progress(Number.NaN);
    return { content: [{ type: 'text', text: text.repeat(times ?? 0) }] };
  },
});

/** Resolves only when aborted; records the reason so tests can see the handler was told. */
const abortReasons: unknown[] = [];
const waitForAbort = defineTool({
  name: 'test.wait', description: 'waits until aborted', version: '1.0.0', costClass: 'light', inputSchema: { type: 'object' },
  handler: (_args, ctx) => new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => {
    abortReasons.push(ctx.signal.reason);
    reject(ctx.signal.reason);
  })),
});

const sleeper = defineTool<{ ms: number }>({
  name: 'test.sleep', description: 'sleeps, ignoring aborts', version: '1.0.0', costClass: 'light',
  inputSchema: { type: 'object', properties: { ms: { type: 'integer' } }, required: ['ms'] },
  handler: ({ ms }) => new Promise((resolve) => setTimeout(() => resolve({ content: [{ type: 'text', text: 'slept' }] }), ms)),
});

const refuses = defineTool({
  name: 'test.refuse', description: 'refuses', version: '1.0.0', costClass: 'light', inputSchema: { type: 'object' },
  handler: async () => {
    throw new ToolError('not allowed here');
  },
});

const crashes = defineTool({
  name: 'test.crash', description: 'throws a plain error', version: '1.0.0', costClass: 'light', inputSchema: { type: 'object' },
  handler: async () => {
    throw new Error('disk on fire');
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

const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));

function newInvoker(options: ConstructorParameters<typeof ToolInvoker>[1] = {}) {
  return new ToolInvoker([echo, waitForAbort, sleeper, refuses, crashes], { nodeId: 'pi-1', toolLogger: quietLogger, ...options });
}

describe(ToolInvoker.name, () => {
  beforeAll(() => {
    // The invoker logs unexpected handler errors and drain warnings; the tests look at results instead.
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });

  afterAll(() => jest.restoreAllMocks());

  it('refuses two tools with one name', () => {
    expect(() => new ToolInvoker([echo, echo])).toThrow(/two tools are named "text.echo"/);
  });

  describe('answerClientRequest', () => {
    const asks = defineTool({
      name: 'test.asks', description: 'asks its caller', version: '1.0.0', costClass: 'light', inputSchema: { type: 'object' },
      handler: async (_args, ctx) => {
        const answer = await (ctx.requestClient as NonNullable<typeof ctx.requestClient>)('sampling/createMessage', { maxTokens: 3 });
        const refusal = await (ctx.requestClient as NonNullable<typeof ctx.requestClient>)('roots/list', {}).catch((e: ClientRequestError) => `${e.code} ${e.message}`);
        return { content: [{ type: 'text', text: `${JSON.stringify(answer)} / ${refusal}` }] };
      },
    });

    it('streams a client-request event and resumes the handler with the reply (result or JSON-RPC error)', async () => {
      const invoker = new ToolInvoker([asks], { toolLogger: quietLogger });
      const req = request('test.asks');
      const seen: InvokeEvent[] = [];
      await new Promise<void>((resolve, reject) => invoker.invoke(req).subscribe({
        next: (event) => {
          seen.push(event);
          if (event.type !== 'client-request') return;
          const reply = event.method === 'sampling/createMessage' ? { result: { text: 'ok' } } : { error: { code: -32601, message: 'no roots here' } };
          expect(invoker.answerClientRequest({ requestId: req.requestId, id: event.id, ...reply })).toBe(true);
        },
        error: reject,
        complete: resolve,
      }));
      expect(seen.map((e) => e.type)).toEqual(['client-request', 'client-request', 'result']);
      expect(seen[0]).toMatchObject({ method: 'sampling/createMessage', params: { maxTokens: 3 } });
      expect(seen[2]).toMatchObject({ result: { content: [{ text: '{"text":"ok"} / -32601 no roots here' }] } });
      expect(invoker.answerClientRequest({ requestId: req.requestId, id: '1', result: {} })).toBe(false);
    });
  });

  describe('replaceTools', () => {
    it('hosts the new set at once, while a call already running finishes with the tool it started with', async () => {
      const invoker = newInvoker();
      const running = events(invoker, request('test.sleep', { ms: 50 }));
      invoker.replaceTools([echo]);
      expect(invoker.list().map((t) => t.name)).toEqual(['text.echo']);
      expect((await failure(invoker, request('test.sleep', { ms: 1 }))).code).toBe(ErrorCode.ToolUnknown);
      expect(await running).toEqual([{ type: 'result', result: { content: [{ type: 'text', text: 'slept' }] } }]);
    });

    it('keeps the previous set when the new one has two tools with one name', () => {
      const invoker = newInvoker();
      expect(() => invoker.replaceTools([echo, echo])).toThrow(/two tools are named "text.echo"/);
      expect(invoker.list()).toHaveLength(5);
    });
  });

  describe('invoke', () => {
    const invoker = newInvoker();

    it('streams increasing progress, then one result, with schema defaults applied', async () => {
      expect(await events(invoker, request('text.echo', { text: 'hi' }))).toEqual([
        { type: 'progress', progress: 1, total: 2, message: 'half' },
        { type: 'result', result: { content: [{ type: 'text', text: 'hi' }] } },
      ]);
    });

    it('refuses an unknown tool before running anything', async () => {
      const err = await failure(invoker, request('no.such'));
      expect(err.code).toBe(ErrorCode.ToolUnknown);
      expect(err.message).toBe('node pi-1 has no tool "no.such"');
    });

    it('refuses invalid arguments, naming the field', async () => {
      const invalid = await failure(invoker, request('text.echo', { text: 3 }));
      expect(invalid.code).toBe(ErrorCode.InvalidArguments);
      expect(invalid.problems).toEqual([{ path: 'arguments.text', message: 'must be string' }]);
    });

    it('turns a ToolError into an isError result', async () => {
      expect(await events(invoker, request('test.refuse'))).toEqual([
        { type: 'result', result: { isError: true, content: [{ type: 'text', text: 'not allowed here' }] } },
      ]);
    });

    it('reports any other exception as INTERNAL with its message', async () => {
      const err = await failure(invoker, request('test.crash'));
      expect(err.code).toBe(ErrorCode.Internal);
      expect(err.message).toBe('test.crash failed: disk on fire');
    });

    it('aborts the handler when the deadline passes', async () => {
      const started = Date.now();
      const err = await failure(invoker, request('test.wait', {}, { deadline: Date.now() + 80 }));
      expect(err.code).toBe(ErrorCode.DeadlineExceeded);
      expect(Date.now() - started).toBeGreaterThanOrEqual(70);
      expect(abortReasons.at(-1)).toBe(err);
    });

    it('refuses a call whose deadline has already passed', async () => {
      expect((await failure(invoker, request('text.echo', { text: 'x' }, { deadline: Date.now() - 1 }))).code).toBe(ErrorCode.DeadlineExceeded);
    });

    it('refuses a request id that is already running', async () => {
      const req = request('test.wait');
      const first = failure(invoker, req);
      await tick();
      expect((await failure(invoker, req)).code).toBe(ErrorCode.InvalidRequest);
      invoker.cancel(req.requestId);
      await first;
    });

    it('aborts the handler when the subscriber goes away', async () => {
      const req = request('test.wait');
      const subscription = invoker.invoke(req).subscribe({ error: () => undefined });
      await tick();
      subscription.unsubscribe();
      expect(abortReasons.at(-1)).toMatchObject({ code: ErrorCode.Cancelled });
      await tick();
      expect(invoker.inFlightCount).toBe(0);
    });
  });

  describe('cancel', () => {
    it('aborts the handler of a call in flight and ends its stream with CANCELLED', async () => {
      const invoker = newInvoker();
      const req = request('test.wait');
      const pending = failure(invoker, req);
      await tick();
      expect(invoker.inFlightCount).toBe(1);
      expect(invoker.cancel(req.requestId, 'user stop')).toBe(true);
      const err = await pending;
      expect(err.code).toBe(ErrorCode.Cancelled);
      expect(err.message).toContain('user stop');
      await tick(1);
      expect(invoker.inFlightCount).toBe(0);
    });

    it('ignores ids that are not running', () => {
      expect(newInvoker().cancel('nope')).toBe(false);
    });
  });

  describe('maxConcurrent', () => {
    it('refuses the call over the limit with a retryable NODE_UNAVAILABLE', async () => {
      const invoker = newInvoker({ maxConcurrent: 1 });
      const first = request('test.wait');
      const running = failure(invoker, first);
      await tick();
      const busy = await failure(invoker, request('text.echo', { text: 'x' }));
      expect(busy).toMatchObject({ code: ErrorCode.NodeUnavailable, retryable: true });
      invoker.cancel(first.requestId);
      await running;
    });
  });

  describe('replaceTools', () => {
    it('offers the new set to new calls while a running call of a removed tool finishes; settled() waits for it', async () => {
      const invoker = newInvoker();
      const running = lastValueFrom(invoker.invoke(request('test.sleep', { ms: 150 })).pipe(toArray()));
      await tick();
      invoker.replaceTools([echo]);
      expect(invoker.list().map((t) => t.name)).toEqual(['text.echo']);
      expect((await failure(invoker, request('test.sleep', { ms: 1 }))).code).toBe(ErrorCode.ToolUnknown);
      expect(await invoker.settled(new Set(['test.sleep']), 5000)).toBe(true);
      expect((await running).at(-1)).toEqual({ type: 'result', result: { content: [{ type: 'text', text: 'slept' }] } });
    });

    it('changes nothing when two new tools share a name', () => {
      const invoker = newInvoker();
      const before = invoker.list();
      expect(() => invoker.replaceTools([echo, echo])).toThrow(/two tools are named "text.echo"/);
      expect(invoker.list()).toEqual(before);
    });
  });

  describe('drain', () => {
    it('refuses new calls and lets running ones finish within the grace period', async () => {
      const invoker = newInvoker();
      const slow = events(invoker, request('test.sleep', { ms: 100 }));
      await tick();
      const drained = invoker.drain(2000);
      expect((await failure(invoker, request('text.echo', { text: 'late' }))).code).toBe(ErrorCode.NodeUnavailable);
      expect(await drained).toEqual({ finished: 1, aborted: 0 });
      expect((await slow).at(-1)).toEqual({ type: 'result', result: { content: [{ type: 'text', text: 'slept' }] } });
    });

    it('aborts what outlives the grace period, and does not wait forever for handlers that ignore it', async () => {
      const invoker = newInvoker({ abortWaitMs: 50 });
      const stuck = failure(invoker, request('test.wait'));
      const deaf = failure(invoker, request('test.sleep', { ms: 300 }));
      await tick();
      const started = Date.now();
      expect(await invoker.drain(100)).toEqual({ finished: 0, aborted: 2 });
      expect(Date.now() - started).toBeLessThan(500);
      expect((await stuck).code).toBe(ErrorCode.NodeUnavailable);
      expect((await deaf).message).toContain('shutting down');
    });
  });
});
