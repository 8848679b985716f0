import type { ServerContext } from '@modelcontextprotocol/server';
import { type CallHooks, InputRequiredCalls } from './input-required-calls';

interface Round { requestState?: string; inputResponses?: Record<string, unknown>; subject?: string; signal?: AbortSignal }

/** A retried tools/call as the SDK hands it to the handler: state already verified by the Server's hook. */
async function ctxOf(calls: InputRequiredCalls, round: Round = {}): Promise<ServerContext> {
  const ctx = {
    http: { authInfo: { token: 't', clientId: 'c', scopes: [], extra: { subject: round.subject ?? 'alice' } } },
    mcpReq: { signal: round.signal ?? new AbortController().signal, inputResponses: round.inputResponses, requestState: () => state },
  } as unknown as ServerContext;
  const state = round.requestState === undefined ? undefined : await calls.codec.verify(round.requestState, ctx);
  return ctx;
}

const relay = { progress: () => undefined, log: () => undefined };
const elicit = (message: string) => ({ method: 'elicitation/create' as const, params: { message, requestedSchema: { type: 'object', properties: {} } } });

describe(InputRequiredCalls.name, () => {
  describe('round', () => {
    it('returns each request of the running call as input_required, and hands the answers back to it until it ends', async () => {
      const calls = new InputRequiredCalls({ waitMs: 10_000 });
      const tool = async (hooks: CallHooks) => {
        const first = await hooks.onClientRequest({ type: 'client-request', id: 'a', ...elicit('name?') });
        const second = await hooks.onClientRequest({ type: 'client-request', id: 'b', ...elicit('city?') });
        return { content: [{ type: 'text', text: `${JSON.stringify(first['content'])} ${JSON.stringify(second['content'])}` }] };
      };
      const round1 = await calls.round(await ctxOf(calls), relay, tool);
      expect(round1).toMatchObject({ resultType: 'input_required', inputRequests: { '1': elicit('name?') }, requestState: expect.any(String) });
      const round2 = await calls.round(await ctxOf(calls, { requestState: round1['requestState'] as string, inputResponses: { '1': { action: 'accept', content: { name: 'Ada' } } } }), relay, tool);
      expect(round2).toMatchObject({ resultType: 'input_required', inputRequests: { '2': elicit('city?') } });
      const done = await calls.round(await ctxOf(calls, { requestState: round2['requestState'] as string, inputResponses: { '2': { action: 'accept', content: { city: 'Paris' } } } }), relay, tool);
      expect(done).toEqual({ content: [{ type: 'text', text: '{"name":"Ada"} {"city":"Paris"}' }] });
      expect(calls.parked).toBe(0);
    });

    it('asks again for a request the retry did not answer', async () => {
      const calls = new InputRequiredCalls({ waitMs: 10_000 });
      const tool = async (hooks: CallHooks) => hooks.onClientRequest({ type: 'client-request', id: 'a', method: 'roots/list', params: {} });
      const round1 = await calls.round(await ctxOf(calls), relay, tool);
      const round2 = await calls.round(await ctxOf(calls, { requestState: round1['requestState'] as string, inputResponses: {} }), relay, tool);
      expect(round2).toMatchObject({ resultType: 'input_required', inputRequests: { '1': { method: 'roots/list' } } });
      calls.close();
    });

    it('refuses state another caller echoes (bound to the principal) and state of a call it no longer holds', async () => {
      const calls = new InputRequiredCalls({ waitMs: 10_000 });
      const round1 = await calls.round(await ctxOf(calls), relay, async (hooks) => hooks.onClientRequest({ type: 'client-request', id: 'a', ...elicit('x') }));
      await expect(ctxOf(calls, { requestState: round1['requestState'] as string, subject: 'mallory' })).rejects.toThrow();
      const other = new InputRequiredCalls({ waitMs: 10_000 });
      await expect(ctxOf(other, { requestState: round1['requestState'] as string })).rejects.toThrow();
      calls.close();
      await expect(calls.round(await ctxOf(calls, { requestState: round1['requestState'] as string }), relay, async () => ({})))
        .rejects.toThrow(/no longer holds .* call the tool again without requestState/);
    });

    it('cancels a call whose client never comes back: its request fails and its invocation is aborted', async () => {
      const calls = new InputRequiredCalls({ waitMs: 50 });
      let aborted: AbortSignal | undefined;
      let failure: unknown;
      await calls.round(await ctxOf(calls), relay, async (hooks) => {
        aborted = hooks.signal;
        return hooks.onClientRequest({ type: 'client-request', id: 'a', ...elicit('x') }).catch((err: unknown) => {
          failure = err;
          return {};
        });
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(aborted?.aborted).toBe(true);
      expect(String(failure)).toMatch(/did not answer within 50 ms/);
      expect(calls.parked).toBe(0);
    });

    it('aborts the invocation when the client cancels the round that carries it', async () => {
      const calls = new InputRequiredCalls({ waitMs: 10_000 });
      const cancel = new AbortController();
      let invocation: AbortSignal | undefined;
      const pending = calls.round(await ctxOf(calls, { signal: cancel.signal }), relay, (hooks) => {
        invocation = hooks.signal;
        return new Promise((_resolve, reject) => hooks.signal.addEventListener('abort', () => reject(hooks.signal.reason as Error)));
      });
      cancel.abort();
      await expect(pending).rejects.toThrow(/client cancelled/);
      expect(invocation?.aborted).toBe(true);
    });
  });
});
